import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot, startBrowser } from '../../helpers/browser.ts';
import { user } from '../../helpers/proxy.ts';
import { ADMIN_KEY, uiFixture } from './fixture.ts';

const RUNTIME_KEY = 'sk-runtime-provider-key-0123456789';
const TEAM_SECRET = 'team-token-0123456789abcdef';
// Names that would become elements (and run script) if a page put them into HTML. A provider
// name holds no space, comma or slash, so it can only open tags.
const HOSTILE_NAME = '<b>evil<i>';
const HOSTILE_MODEL =
  '<img src=x onerror="window.__injected=1"><script>window.__injected=2</script>';

test('the web UI drives live control: live tail, switch, providers, config', async (t) => {
  const proxy = await uiFixture(t);
  const browser = await startBrowser(t);
  const ask = (model: string, session = 'session-0123456789abcdef') =>
    proxy.client.messages.create(
      { model, max_tokens: 16, messages: [user('hello')] },
      { headers: { 'x-claude-code-session-id': session } },
    );
  const page = await browser.page(1440);
  await page.goto(proxy.loginUrl);
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();

  /** Opens a page at both widths (a screenshot each), ending at 1440 px. */
  async function open(hash: string, ready: (page: Page) => Promise<void>, name: string) {
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      await page.goto(`${proxy.url}/ui/${hash}`);
      await ready(page);
      await screenshot(page, name);
    }
  }

  await t.test('the live tail shows a request as it finishes', async () => {
    await open('#/live', (p) => p.getByText('connected', { exact: true }).waitFor(), 'live');
    await ask('claude-sonnet-4-5');
    const line = page.locator('ol.tail li', { hasText: 'up,model-a' }).first();
    await line.waitFor();
    assert.match(await line.innerText(), /200/);
    await screenshot(page, 'live-row');
  });

  await t.test('a tier switched in the UI routes the next request', async () => {
    // A second tab on the Live page sees the switch as it is made.
    const tail = await browser.page(1440);
    await tail.goto(`${proxy.url}/ui/#/live`);
    await tail.getByText('connected', { exact: true }).waitFor();
    await open('#/switch', (p) => p.getByLabel(/^middle/).waitFor(), 'switch');
    const everyone = page.locator('.card', {
      has: page.getByRole('heading', { name: 'Everyone' }),
    });
    await everyone.getByLabel(/^middle/).fill('up,model-b');
    await everyone.getByRole('button', { name: 'Apply' }).click();
    await everyone.getByText('Applied: the next request uses it.').waitFor();
    await tail.getByText('everyone: middle → up,model-b').waitFor();
    await tail.close();
    const before = proxy.upstream.requests.length;
    await ask('claude-sonnet-4-5');
    assert.equal(proxy.upstream.requests[before]?.body.model, 'model-b');
    // Reopened, the page shows the switch in force.
    await page.reload();
    assert.equal(await everyone.getByLabel(/^middle/).inputValue(), 'up,model-b');

    // One session switched back to model-a; the others keep everyone's model-b.
    const perSession = page.locator('.card', {
      has: page.getByRole('heading', { name: 'Per session' }),
    });
    await perSession.getByLabel('Session id').fill('session-pinned');
    await perSession.getByLabel(/^middle/).fill('up,model-a');
    await perSession.getByRole('button', { name: 'Apply' }).click();
    // Stored, the session is listed with its own targets.
    const pinned = perSession.locator('details', { hasText: 'session-pinned' });
    await pinned.waitFor();
    assert.equal(await pinned.getByLabel(/^middle/).inputValue(), 'up,model-a');
    const sent = proxy.upstream.requests.length;
    await ask('claude-sonnet-4-5', 'session-pinned');
    await ask('claude-sonnet-4-5', 'session-other');
    assert.deepEqual(
      proxy.upstream.requests.slice(sent).map((r) => r.body.model),
      ['model-a', 'model-b'],
    );
  });

  await t.test('providers: discover and test the config provider, add a runtime one', async () => {
    await open('#/providers', (p) => p.locator('article.provider').first().waitFor(), 'providers');
    const up = page.locator('article.provider', { has: page.getByRole('heading', { name: 'up' }) });
    await up.getByRole('button', { name: 'Discover models' }).click();
    await up.getByText('2 models:').waitFor();
    assert.match(await up.getByRole('status').innerText(), /model-a, model-b/);
    // Asked on purpose, so asked afresh: the server's cached list is not what a click returns.
    const lists = () => proxy.upstream.requests.filter((r) => r.url.endsWith('/models')).length;
    const asked = lists();
    const answered = page.waitForResponse((r) => r.url().endsWith('/up/models?refresh=1'));
    await up.getByRole('button', { name: 'Discover models' }).click();
    await answered; // the server asked the upstream before answering
    assert.equal(lists(), asked + 1);
    await up.getByRole('button', { name: 'Test' }).click();
    await up.getByText(/^Answered in/).waitFor();

    await page.getByRole('button', { name: 'Add a provider' }).click();
    const form = page.locator('form.provider-form');
    await form.getByLabel('Name').fill('extra');
    await form.getByLabel('Base URL').fill(`${proxy.upstream.url}/v1`);
    await form.getByLabel('API key').fill(RUNTIME_KEY);
    await form.getByLabel('Models (comma separated)').fill('model-x');
    await form.getByRole('button', { name: 'Add' }).click();
    const extra = page.locator('article.provider', {
      has: page.getByRole('heading', { name: 'extra' }),
    });
    await extra.waitFor();
    const card = await extra.innerText();
    assert.match(card, /sk-…6789/);
    assert.ok(!(await page.content()).includes(RUNTIME_KEY), 'the key is never on the page');
    await screenshot(page, 'providers-added');

    // The new provider serves the next request that names it, with its key.
    const before = proxy.upstream.requests.length;
    await ask('extra,model-x');
    assert.equal(proxy.upstream.requests[before]?.headers.authorization, `Bearer ${RUNTIME_KEY}`);

    // Edited without retyping the key, it keeps the key.
    await extra.getByRole('button', { name: 'Edit' }).click();
    await extra.getByLabel('Models (comma separated)').fill('model-x, model-y');
    await extra.getByRole('button', { name: 'Save' }).click();
    await extra.getByText('model-x, model-y').waitFor();
    await ask('extra,model-y');
    assert.equal(proxy.upstream.requests.at(-1)?.headers.authorization, `Bearer ${RUNTIME_KEY}`);

    // A request that named its target shows it once, not "extra,model-y → extra,model-y".
    await proxy.flush();
    await page.goto(`${proxy.url}/ui/#/requests`);
    const models = page.locator('table.requests td.model');
    await models.first().waitFor();
    assert.equal(await models.first().innerText(), 'extra,model-y');
  });

  await t.test(
    'providers: presets fill headers and a body override; secret headers show masked and survive an edit',
    async () => {
      await page.goto(`${proxy.url}/ui/#/providers`);
      await page.getByRole('button', { name: 'Add a provider' }).click();
      const form = page.locator('form.provider-form');
      await form.getByLabel('Name').fill('tuned');
      await form.getByLabel('Base URL').fill(`${proxy.upstream.url}/v1`);
      await form.getByLabel('Models (comma separated)').fill('model-t');
      await form.getByLabel('Add a preset').selectOption({ label: 'OpenRouter: app attribution' });
      await form.getByLabel('Add a preset').selectOption({ label: 'Deterministic: temperature 0' });
      await form.getByText(/^Added “Deterministic: temperature 0”/).waitFor();
      const headers = form.getByLabel(/^Headers sent upstream/);
      const filled = JSON.parse(await headers.inputValue()) as Record<string, string>;
      assert.deepEqual(filled, { 'HTTP-Referer': 'http://127.0.0.1:3456', 'X-Title': 'ccproxy' });
      await headers.fill(JSON.stringify({ ...filled, 'x-team-auth': TEAM_SECRET }));
      assert.deepEqual(JSON.parse(await form.getByLabel(/^Body override/).inputValue()), {
        temperature: 0,
      });
      await form.getByRole('button', { name: 'Add' }).click();
      const tuned = page.locator('article.provider', {
        has: page.getByRole('heading', { name: 'tuned' }),
      });
      await tuned.getByText('x-team-auth: tea…cdef').waitFor();
      assert.match(await tuned.innerText(), /X-Title: ccproxy[\s\S]*"temperature": 0/);
      assert.ok(!(await page.content()).includes(TEAM_SECRET), 'the secret is never on the page');

      const sent = async () => {
        const before = proxy.upstream.requests.length;
        await ask('tuned,model-t');
        const request = proxy.upstream.requests[before]!;
        return { headers: request.headers, body: request.body as Record<string, unknown> };
      };
      const first = await sent();
      assert.equal(first.headers['x-title'], 'ccproxy');
      assert.equal(first.headers['x-team-auth'], TEAM_SECRET);
      assert.equal(first.body.temperature, 0);

      // The edit form shows the headers as listed (masked); saved as they are, the secret stays.
      await tuned.getByRole('button', { name: 'Edit' }).click();
      const edit = tuned.locator('form.provider-form');
      assert.match(await edit.getByLabel(/^Headers sent upstream/).inputValue(), /tea…cdef/);
      for (const width of [390, 1440]) {
        await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
        await edit.getByRole('button', { name: 'Save' }).scrollIntoViewIfNeeded();
        await screenshot(page, 'providers-edit-overrides');
      }
      await edit.getByLabel('Add a preset').selectOption({ label: 'DeepSeek: max_tokens 8192' });
      await edit.getByRole('button', { name: 'Save' }).click();
      await tuned.getByText('"max_tokens": 8192').waitFor();
      const second = await sent();
      assert.equal(second.headers['x-team-auth'], TEAM_SECRET);
      assert.equal(second.body.temperature, 0);
      assert.equal(second.body.max_tokens, 8192);
    },
  );

  await t.test("the switch page offers every provider's discovered models as targets", async () => {
    await page.goto(`${proxy.url}/ui/#/switch`);
    const option = page.locator('datalist#switch-targets option[value="extra,model-b"]');
    await page.getByRole('button', { name: 'Discover models' }).waitFor();
    assert.equal(await option.count(), 0, 'extra lists model-x and model-y only');
    await page.getByRole('button', { name: 'Discover models' }).click();
    await option.waitFor({ state: 'attached' });
    await page.getByText(/^\d+ targets to pick from\.$/).waitFor();
  });

  await t.test('the config page shows the effective config and reloads it', async () => {
    await open(
      '#/config',
      (p) => p.getByRole('heading', { name: 'Effective config' }).waitFor(),
      'config',
    );
    const effective = await page.locator('pre.json').innerText();
    assert.match(effective, /"name": "up"/);
    assert.ok(!effective.includes('upstream-key'), 'the provider key is not shown');
    await page.getByRole('button', { name: 'Reload the config file' }).click();
    await page.getByText(/^Last reload .*: applied in \d+ ms/).waitFor();
  });

  await t.test('provider and model names holding HTML render as text on every page', async () => {
    const added = await fetch(`${proxy.url}/api/providers`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'openai',
        name: HOSTILE_NAME,
        baseUrl: `${proxy.upstream.url}/v1`,
        models: [HOSTILE_MODEL],
        headers: { 'x-note': HOSTILE_NAME },
        body: { stop_sequences: [HOSTILE_MODEL] },
      }),
    });
    assert.equal(added.status, 201, await added.text());
    await ask(`${HOSTILE_NAME},${HOSTILE_MODEL}`);
    await proxy.flush();
    for (const [hash, name] of [
      ['#/providers', 'providers-hostile'],
      ['#/switch', 'switch-hostile'],
      ['#/config', 'config-hostile'],
      ['#/requests', 'requests-hostile'],
    ] as const) {
      await page.goto(`${proxy.url}/ui/${hash}`);
      // Shown as typed (config shows it inside JSON, where the model's quotes are escaped).
      await page.getByText(HOSTILE_NAME).first().waitFor({ state: 'attached' });
      await screenshot(page, name);
      assert.equal(await page.locator('main :is(img, script, b, i)').count(), 0, hash);
    }
    assert.equal(
      await page.evaluate(() => (window as { __injected?: number }).__injected),
      undefined,
    );
  });

  assert.deepEqual(browser.errors, [], 'no console errors');
});
