import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, startBrowser } from '../../helpers/browser.ts';
import { user } from '../../helpers/proxy.ts';
import { COST_PER_REQUEST, uiFixture } from './fixture.ts';

// A prompt and (echoed) answer that would run script if the UI put model text into HTML.
const HOSTILE =
  'look <img src=x onerror="window.__injected=1"> and <script>window.__injected=2</script> here';

const money = (usd: number) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    maximumFractionDigits: 4,
  }).format(usd);

test('the web UI, page by page, against a running ccproxy with stored requests', async (t) => {
  const proxy = await uiFixture(t);
  const browser = await startBrowser(t);
  const ask = (text: string, session: string) =>
    proxy.client.messages.create(
      { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [user(text)] },
      { headers: { 'x-claude-code-session-id': session } },
    );
  await ask('how do pelicans fly', 'session-one');
  await ask('what is a heron', 'session-one');
  await ask(HOSTILE, 'session-two');
  await proxy.flush();
  const page = await browser.page(1440);
  await page.goto(proxy.loginUrl);
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();

  /** Opens a page of the UI and screenshots it at both widths. */
  async function open(hash: string, ready: string, name: string) {
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      await page.goto(`${proxy.url}/ui/${hash}`);
      await page.locator(ready).first().waitFor();
      await screenshot(page, name);
    }
  }

  await t.test(
    'the overview shows the requests made, their cost, and their success rate',
    async () => {
      await open('#/overview', '.u-legend', 'overview');
      const kpi = (label: string) =>
        page.locator('.kpi', { has: page.getByText(label, { exact: true }) }).locator('.kpi-value');
      assert.equal(await kpi('Requests').textContent(), '3');
      assert.equal(await kpi('Cost').textContent(), money(3 * COST_PER_REQUEST));
      assert.equal(await kpi('Success rate').textContent(), '100%');
      // The system's dark theme is followed.
      await page.emulateMedia({ colorScheme: 'dark' });
      // The page follows the media query's change event, which fires after emulateMedia returns.
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      await screenshot(page, 'overview-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      // On a phone the usage tables fit the screen: nothing to scroll sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page
        .locator('.table-card .scroll')
        .evaluateAll((scrolls) => scrolls.map((el) => el.scrollWidth - el.clientWidth));
      assert.ok(
        overflow.length > 0 && overflow.every((px) => px <= 0),
        `overflow: ${overflow.join(', ')} px`,
      );
      await page.setViewportSize({ width: 1440, height: 900 });
      const byModel = page.locator('.table-card', { hasText: 'By model' });
      assert.match((await byModel.locator('tbody tr').first().textContent()) ?? '', /model-a\s*3/);
    },
  );

  await t.test(
    'a search finds the one request holding a word, and opens its conversation',
    async () => {
      await open('#/requests', 'table.requests', 'requests');
      await page.getByLabel('Search prompts and answers').fill('pelicans');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator('table.requests tbody tr').first().waitFor();
      await page.waitForFunction(
        () => document.querySelectorAll('table.requests tbody tr').length === 1,
      );
      await page.locator('table.requests tbody tr a').first().click();
      await page.locator('.conversation').waitFor();
      assert.match(await page.locator('.conversation').innerText(), /answer: how do pelicans fly/);
      // "Copy as curl" repeats the request as it was sent: its own max_tokens, not a default.
      const curl = await page
        .locator('.copy', { hasText: 'Copy as curl' })
        .locator('code')
        .innerText();
      assert.match(curl, /"model":"claude-sonnet-4-5","max_tokens":64,"messages":\[/);
      await screenshot(page, 'request');
    },
  );

  await t.test('a prompt and an answer holding HTML render as text', async () => {
    await page.goto(`${proxy.url}/ui/#/requests?q=onerror`);
    await page.locator('table.requests tbody tr a').first().click();
    const conversation = page.locator('.conversation');
    await conversation.waitFor();
    const text = await conversation.innerText();
    assert.ok(text.includes('<script>window.__injected=2</script>'), text);
    assert.ok(text.includes(`answer: ${HOSTILE}`));
    assert.equal(await page.locator('.conversation img, .conversation script').count(), 0);
    assert.equal(
      await page.evaluate(() => (window as { __injected?: number }).__injected),
      undefined,
    );
  });

  assert.deepEqual(browser.errors, [], 'no console errors');
});
