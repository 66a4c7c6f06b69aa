import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  loadConfig,
  type Plugin,
  type ProxyEvent,
  type ReloadResult,
  type RunningProxy,
} from '../../core/index.ts';
import type { ResolvedConfig } from '../../core/config/load.ts';
import { modelMap } from '../../plugins/index.ts';
import { fakeProvider, textStream } from '../helpers/events.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import { chatCompletion, replyJson, scriptedUpstream } from '../helpers/upstream.ts';

const config = (plugins: ResolvedConfig['plugins']): ResolvedConfig => ({
  file: 'test.config.ts',
  server: { host: '127.0.0.1', port: 0, allowOpen: false },
  plugins,
  logLevel: 'debug',
});

/** A plugin whose `close()` resolves `closed`. */
function closing(name: string): { plugin: Plugin; closed: Promise<void>; done: () => boolean } {
  let resolve!: () => void;
  let done = false;
  const closed = new Promise<void>((r) => (resolve = r));
  const plugin: Plugin = {
    name,
    close() {
      done = true;
      resolve();
    },
  };
  return { plugin, closed, done: () => done };
}

/** The next `reload` event the proxy publishes; a missed one fails the test instead of hanging it. */
function nextReload(proxy: RunningProxy): Promise<ReloadResult> {
  return new Promise((resolve, reject) => {
    const missed = setTimeout(() => {
      stop();
      reject(new Error('no reload event within 30 s'));
    }, 30_000);
    const stop = proxy.events.subscribe((event: ProxyEvent) => {
      if (event.type !== 'reload') return;
      stop();
      clearTimeout(missed);
      resolve(event.data as ReloadResult);
    });
  });
}

test('a reload serves the next request on the new config; a stream in flight ends on the old one, whose plugins close after it', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const old = fakeProvider('up', async function* () {
    const [start, ...rest] = textStream('from the old config');
    yield start!;
    await gate;
    yield* rest;
  });
  const oldPlugin = closing('old-marker');
  const fresh = fakeProvider('up', () => textStream('from the new config'));
  const next = config([fresh.plugin]);
  const { client, running } = await startTestProxy(t, {
    plugins: [oldPlugin.plugin, old.plugin],
    loadConfig: () => Promise.resolve(next),
  });

  const stream = await client.messages.create({
    model: 'm',
    max_tokens: 16,
    stream: true,
    messages: [user('long')],
  });
  const events = stream[Symbol.asyncIterator]();
  assert.equal((await events.next()).value?.type, 'message_start');

  const result = await running.reload();
  assert.equal(result.ok, true);
  const answer = await client.messages.create({
    model: 'm',
    max_tokens: 16,
    messages: [user('next')],
  });
  assert.deepEqual(answer.content, [{ type: 'text', text: 'from the new config' }]);
  assert.equal(oldPlugin.done(), false, 'the old runtime is still serving its stream');

  release();
  let text = '';
  for (let r = await events.next(); !r.done; r = await events.next()) {
    if (r.value.type === 'content_block_delta' && r.value.delta.type === 'text_delta')
      text += r.value.delta.text;
  }
  assert.equal(text, 'from the old config');
  await oldPlugin.closed; // resolves once the drained runtime ran its plugins' close()
  assert.equal(old.calls.length, 1);
  assert.equal(fresh.calls.length, 1);
});

test('a config that fails to load keeps the running one and says why', async (t) => {
  const provider = fakeProvider('up', () => textStream('still here'));
  const { client, running } = await startTestProxy(t, {
    plugins: [provider.plugin],
    loadConfig: () =>
      Promise.resolve(config([provider.plugin, modelMap({ big: 'nowhere,model' })])),
  });
  const reloaded = nextReload(running);
  const result = await running.reload();
  assert.equal(result.ok, false);
  assert.match(result.error!, /test\.config\.ts: plugins \(model-map\): options\.big/);
  assert.deepEqual(await reloaded, result, 'the reload event carries the same result');
  const answer = await client.messages.create({
    model: 'm',
    max_tokens: 8,
    messages: [user('hi')],
  });
  assert.deepEqual(answer.content, [{ type: 'text', text: 'still here' }]);
});

test('a saved config file is reloaded; a broken save keeps the running config, the error names the file and the option', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ccproxy-reload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const upstream = await scriptedUpstream(t, (req, res) =>
    replyJson(res, 200, chatCompletion(req.body.model, 'ok')),
  );
  const core = pathToFileURL(join(import.meta.dirname, '../../core/index.ts')).href;
  const plugins = pathToFileURL(join(import.meta.dirname, '../../plugins/index.ts')).href;
  const file = join(dir, 'ccproxy.config.ts');
  const write = (big: string) =>
    writeFileSync(
      file,
      `import { defineConfig } from '${core}';
import { modelMap, openai } from '${plugins}';
export default defineConfig({
  plugins: [
    openai({ name: 'up', baseUrl: '${upstream.url}/v1', apiKey: 'sk-test' }),
    modelMap({ big: ${big} }),
  ],
});
`,
    );
  write(`'up,model-one'`);
  const load = () => loadConfig({ flags: { config: file }, env: {}, cwd: dir, fallback: () => [] });
  const first = await load();
  const { client, running } = await startTestProxy(t, {
    plugins: first.plugins,
    loadConfig: load,
    watch: [file],
  });
  const ask = () =>
    client.messages.create({ model: 'claude-opus-4-1', max_tokens: 8, messages: [user('hi')] });

  await ask();
  assert.equal(upstream.requests.at(-1)?.body.model, 'model-one');

  let reloaded = nextReload(running);
  write(`'up,model-two'`);
  assert.equal((await reloaded).ok, true);
  await ask();
  assert.equal(upstream.requests.at(-1)?.body.model, 'model-two');

  reloaded = nextReload(running);
  write(`42`);
  const broken = await reloaded;
  assert.equal(broken.ok, false);
  assert.match(
    broken.error!,
    /ccproxy\.config\.ts: plugins \(model-map\): options\.big: expected a string/,
  );
  await ask();
  assert.equal(upstream.requests.at(-1)?.body.model, 'model-two', 'the running config stays');
});
