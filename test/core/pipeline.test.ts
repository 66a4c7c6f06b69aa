import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  batchedSource,
  ConfigError,
  ProxyError,
  type Plugin,
  type PluginOption,
  type StreamEvent,
} from '../../core/index.ts';
import { resolvePlugins } from '../../core/pipeline/resolve.ts';
import { fakeProvider, textStream } from '../helpers/events.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';

const named = (name: string, extra: Partial<Plugin> = {}): Plugin => ({ name, ...extra });

test('plugins: falsy entries and nested presets flatten; pre and post tiers keep config order inside', () => {
  const order = resolvePlugins([
    named('a'),
    false,
    [named('p1', { enforce: 'post' }), null, [named('b')]],
    named('pre', { enforce: 'pre' }),
    undefined,
    named('p2', { enforce: 'post' }),
  ]);
  assert.deepEqual(
    order.map((p) => p.name),
    ['pre', 'a', 'b', 'p1', 'p2'],
  );
});

for (const c of [
  {
    name: 'duplicate names',
    plugins: [named('x'), named('x')],
    message: /plugins\[1\] \(x\): duplicate plugin name "x"/,
  },
  {
    name: 'a duplicate after a disabled entry and a preset, at its place in the config',
    plugins: [false, named('a'), [named('x')], named('x')] as PluginOption[],
    message: /: plugins\[3\] \(x\): duplicate plugin name "x"/,
  },
  {
    name: 'a duplicate inside a preset, at its path in the preset',
    plugins: [named('x'), [null, named('x')]] as PluginOption[],
    message: /: plugins\[1\]\[1\] \(x\): duplicate plugin name "x"/,
  },
  {
    name: 'a misspelt hook, with a suggestion',
    plugins: [{ name: 'x', onrequest() {} } as unknown as Plugin],
    message: /unknown hook "onrequest"; did you mean "onRequest"\?/,
  },
  {
    name: 'an async onEvent',
    plugins: [{ name: 'x', async onEvent() {} } as unknown as Plugin],
    message: /onEvent must be synchronous/,
  },
  {
    name: 'a bad enforce',
    plugins: [named('x', { enforce: 'first' as 'pre' })],
    message: /enforce: expected "pre" or "post", got "first"/,
  },
  {
    name: 'a non-plugin entry',
    plugins: [42 as unknown as Plugin],
    message: /plugins\[0\]: expected a plugin object with a "name", got 42/,
  },
]) {
  test(`start-up rejects ${c.name}`, () => {
    assert.throws(
      () => resolvePlugins(c.plugins, 'ccproxy.config.ts'),
      (e: Error) =>
        e instanceof ConfigError &&
        c.message.test(e.message) &&
        e.message.startsWith('ccproxy.config.ts: '),
    );
  });
}

test('onRequest hooks run top-down (pre, config order, post), sync and async mixed', async (t) => {
  const seen: string[] = [];
  const provider = fakeProvider('p', () => textStream('ok'));
  const { client } = await startTestProxy(t, {
    plugins: [
      named('post', { enforce: 'post', onRequest: () => void seen.push('post') }),
      named('one', { onRequest: async () => void seen.push('one') }),
      named('two', { onRequest: () => void seen.push('two') }),
      named('pre', { enforce: 'pre', onRequest: () => void seen.push('pre') }),
      provider.plugin,
    ],
  });
  await client.messages.create({ model: 'm', max_tokens: 5, messages: [user('hi')] });
  assert.deepEqual(seen, ['pre', 'one', 'two', 'post']);
});

test('a ProxyError thrown in onRequest reaches the client with its status and type, no provider call', async (t) => {
  const provider = fakeProvider('p', () => textStream('ok'));
  const { client } = await startTestProxy(t, {
    plugins: [
      named('gate', {
        onRequest: () => {
          throw new ProxyError('permission_error', 403, 'not today');
        },
      }),
      provider.plugin,
    ],
  });
  await assert.rejects(
    client.messages.create({ model: 'm', max_tokens: 5, messages: [user('hi')] }),
    (e: { status: number; error: { error: { type: string; message: string } } }) =>
      e.status === 403 &&
      e.error.error.type === 'permission_error' &&
      e.error.error.message === 'not today',
  );
  assert.equal(provider.calls.length, 0);
});

test('wrapStream: next() is re-entrant, next(request) is seen inside and restored after', async (t) => {
  const provider = fakeProvider('p', (_ctx, req) =>
    textStream(`answer to ${JSON.stringify(req.messages.at(-1)?.content)}`),
  );
  let after = '';
  const twice: Plugin = {
    name: 'twice',
    async *wrapStream(ctx, next) {
      for await (const _ of next({ ...ctx.request, messages: [user('first')] })) void _;
      after = JSON.stringify(ctx.request.messages[0]?.content);
      yield* next({ ...ctx.request, messages: [user('second')] });
    },
  };
  const { client } = await startTestProxy(t, { plugins: [twice, provider.plugin] });
  const message = await client.messages.create({
    model: 'm',
    max_tokens: 5,
    messages: [user('original')],
  });
  assert.deepEqual(
    provider.calls.map((c) => c.request.messages[0]?.content),
    ['first', 'second'],
  );
  assert.equal(after, '"original"');
  assert.deepEqual(message.content, [{ type: 'text', text: 'answer to "second"' }]);
});

test('wrapStream may answer without calling next (the provider is never reached)', async (t) => {
  const provider = fakeProvider('p', () => textStream('upstream'));
  const own: Plugin = {
    name: 'own',
    async *wrapStream() {
      yield* textStream('from the plugin');
    },
  };
  const { client } = await startTestProxy(t, { plugins: [own, provider.plugin] });
  const message = await client.messages.create({
    model: 'm',
    max_tokens: 5,
    messages: [user('hi')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'from the plugin' }]);
  assert.equal(provider.calls.length, 0);
});

test('onEvent is an onion: the plugin listed first sees the final events; null drops, arrays expand', async (t) => {
  const provider = fakeProvider('p', () => textStream('abc', { parts: 3 }));
  const firstSaw: string[] = [];
  const first: Plugin = {
    name: 'first',
    onEvent(_ctx, event) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        firstSaw.push(event.delta.text as string);
    },
  };
  const second: Plugin = {
    name: 'second',
    onEvent(_ctx, event) {
      if (event.type !== 'content_block_delta' || event.delta.type !== 'text_delta') return;
      if (event.delta.text === 'b') return null;
      return [
        event,
        {
          ...event,
          delta: { type: 'text_delta', text: (event.delta.text as string).toUpperCase() },
        },
      ];
    },
  };
  const { client } = await startTestProxy(t, { plugins: [first, second, provider.plugin] });
  const stream = client.messages.stream({ model: 'm', max_tokens: 5, messages: [user('hi')] });
  const message = await stream.finalMessage();
  assert.deepEqual(firstSaw, ['a', 'A', 'c', 'C']);
  assert.deepEqual(
    message.content.map((b) => (b.type === 'text' ? b.text : b.type)),
    ['aAcC'],
  );
});

test('onEvent throwing after the first byte gives an SSE error naming the failure, no message_stop', async (t) => {
  // The provider is closed before the client gets the error.
  const { seen, script } = closable(textStream('abc', { parts: 3 }));
  const provider = fakeProvider('p', script);
  const boom: Plugin = {
    name: 'boom',
    onEvent(_ctx, event) {
      if (event.type === 'content_block_delta') throw new Error('kaput');
    },
  };
  const { client, logs } = await startTestProxy(t, { plugins: [boom, provider.plugin] });
  const stream = client.messages.stream({ model: 'm', max_tokens: 5, messages: [user('hi')] });
  await assert.rejects(stream.finalMessage(), /Internal proxy error/);
  assert.ok(logs.some((l) => l.plugin === 'boom' && l.hook === 'onEvent'));
  assert.equal(seen.closed, true);
});

test('onFinish gets the outcome after the response, and close() waits for it', async (t) => {
  const provider = fakeProvider('p', () => textStream('ok'));
  const outcomes: { ok: boolean; status: number; out: number; stop: string | null }[] = [];
  const closed: string[] = [];
  const watcher: Plugin = {
    name: 'watcher',
    async onFinish(_ctx, outcome) {
      await new Promise((r) => setImmediate(r));
      outcomes.push({
        ok: outcome.ok,
        status: outcome.status,
        out: outcome.usage.output_tokens,
        stop: outcome.stopReason,
      });
    },
    close: () => void closed.push('watcher'),
  };
  const { client, running } = await startTestProxy(null, {
    plugins: [watcher, { name: 'last', close: () => void closed.push('last') }, provider.plugin],
  });
  await client.messages.create({ model: 'm', max_tokens: 5, messages: [user('hi')] });
  await running.close();
  assert.deepEqual(outcomes, [{ ok: true, status: 200, out: 5, stop: 'end_turn' }]);
  assert.deepEqual(closed, ['last', 'watcher']);
  void t;
});

/** A provider script that records whether the pipeline closed it (its `finally` ran). */
function closable(events: StreamEvent[]) {
  const seen = { closed: false };
  const script = async function* () {
    try {
      yield* events;
    } finally {
      seen.closed = true;
    }
  };
  return { seen, script };
}

test('a provider going on after message_stop is closed, and what it sends after never arrives', async (t) => {
  const { seen, script } = closable([
    ...textStream('abc'),
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'late' } },
  ]);
  const provider = fakeProvider('p', script);
  const { client } = await startTestProxy(t, { plugins: [provider.plugin] });
  const stream = client.messages.stream({ model: 'm', max_tokens: 5, messages: [user('hi')] });
  const message = await stream.finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'abc' }]);
  assert.equal(seen.closed, true);
});

test('a wrapStream plugin leaving the inner stream early closes the provider', async (t) => {
  const { seen, script } = closable(textStream('abc', { parts: 3 }));
  const provider = fakeProvider('p', script);
  const cut: Plugin = {
    name: 'cut',
    async *wrapStream(_ctx, next) {
      for await (const event of next()) {
        yield event;
        if (event.type === 'content_block_delta') break;
      }
      yield* textStream('').slice(2);
    },
  };
  const { client } = await startTestProxy(t, { plugins: [cut, provider.plugin] });
  const message = await client.messages.create({
    model: 'm',
    max_tokens: 5,
    messages: [user('hi')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'a' }]);
  assert.equal(seen.closed, true);
});

/** A provider handing its events over in reads (`EventBatches`), recording whether it was closed. */
function batchedProvider(reads: StreamEvent[][]) {
  const seen = { closed: false, reads: 0 };
  const source = batchedSource(async function* () {
    try {
      for (const read of reads) {
        seen.reads++;
        yield read;
      }
    } finally {
      seen.closed = true;
    }
  });
  const plugin: Plugin = {
    name: 'batched',
    setup(app) {
      app.registerProvider({ name: 'p', send: () => source });
    },
  };
  return { seen, plugin, source };
}

test('a provider giving events a read at a time: each reaches the client, streamed or not, nothing after message_stop', async (t) => {
  const events = textStream('abcdef', { parts: 6 });
  const late: StreamEvent = {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'late' },
  };
  const { seen, plugin } = batchedProvider([
    events.slice(0, 1),
    events.slice(1, 5),
    [...events.slice(5), late],
    [late],
  ]);
  const { client } = await startTestProxy(t, { plugins: [plugin] });
  const stream = client.messages.stream({ model: 'm', max_tokens: 5, messages: [user('hi')] });
  const deltas: string[] = [];
  stream.on('text', (text) => deltas.push(text));
  const message = await stream.finalMessage();
  assert.deepEqual(deltas, ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(message.content, [{ type: 'text', text: 'abcdef' }]);
  assert.equal(seen.reads, 3);
  assert.equal(seen.closed, true);
  // A client that does not stream gets the same message, folded from the same reads.
  const whole = await client.messages.create({ model: 'm', max_tokens: 5, messages: [user('hi')] });
  assert.deepEqual(whole.content, [{ type: 'text', text: 'abcdef' }]);
  assert.equal(seen.reads, 6);
});

test('a batched source iterated by event (a plugin calling send itself) gives each event, and closes on break', async () => {
  const events = textStream('abc', { parts: 3 });
  const { seen, source } = batchedProvider([events.slice(0, 3), events.slice(3)]);
  const types: string[] = [];
  for await (const event of source) {
    types.push(event.type);
    if (types.length === 4) break;
  }
  assert.deepEqual(types, [
    'message_start',
    'content_block_start',
    'content_block_delta',
    'content_block_delta',
  ]);
  assert.equal(seen.closed, true);
});
