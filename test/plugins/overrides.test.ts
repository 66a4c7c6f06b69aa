import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ConfigError, type Plugin } from '../../core/index.ts';
import { customHeaders } from '../../plugins/custom-headers/index.ts';
import { deepMerge, overrides, type OverridesOptions } from '../../plugins/overrides/index.ts';
import { openai } from '../../plugins/providers/openai/index.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream, type UpstreamHandler } from '../helpers/upstream.ts';
import { chunk, completion, openaiReply } from '../providers/openai/helpers.ts';

for (const c of [
  {
    name: 'objects merge key by key',
    base: { a: { x: 1, y: 2 } },
    patch: { a: { y: 3, z: 4 } },
    merged: { a: { x: 1, y: 3, z: 4 } },
  },
  {
    name: 'arrays replace',
    base: { list: [1, 2, 3] },
    patch: { list: [9] },
    merged: { list: [9] },
  },
  {
    name: 'scalars replace, objects replace scalars',
    base: { n: 1, s: 'x' },
    patch: { n: 2, s: { deep: true } },
    merged: { n: 2, s: { deep: true } },
  },
  {
    name: 'null deletes, at any depth',
    base: { a: 1, b: { c: 1, d: 2 } },
    patch: { a: null, b: { c: null } },
    merged: { b: { d: 2 } },
  },
  {
    name: 'null for a missing key is a no-op',
    base: { a: 1 },
    patch: { gone: null },
    merged: { a: 1 },
  },
]) {
  test(`deep merge: ${c.name}`, () => {
    const base = structuredClone(c.base);
    assert.deepEqual(deepMerge(base, c.patch), c.merged);
    assert.deepEqual(base, c.base, 'the base is not mutated');
  });
}

test('deep merge: __proto__, constructor and prototype keys are ignored; nothing is polluted', () => {
  const patch = JSON.parse(
    '{"__proto__": {"polluted": true}, "a": {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}}',
  ) as Record<string, unknown>;
  const merged = deepMerge({ a: { keep: 1 } }, patch);
  assert.deepEqual(merged, { a: { keep: 1 } });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(merged), Object.prototype);
});

const reply = openaiReply(
  [chunk({ role: 'assistant', content: 'ok' }), chunk({}, 'stop')],
  completion({ role: 'assistant', content: 'ok' }),
);
const failing: UpstreamHandler = (_req, res) =>
  replyJson(res, 500, { error: { message: 'a is down', type: 'server_error' } });

const presets: OverridesOptions = {
  presets: {
    'cli-agent': { headers: { 'User-Agent': 'claude-cli/2.0.0 (external, cli)' } },
    'no-tools': { body: { tools: null, tool_choice: null } },
  },
  providers: {
    a: [
      'cli-agent',
      'no-tools',
      { headers: { 'X-Team': null }, body: { temperature: 0.2, stop_sequences: ['END'] } },
    ],
  },
};

const ask = {
  model: 'a,gpt-a',
  max_tokens: 16,
  temperature: 1,
  stop_sequences: ['one', 'two'],
  tools: [
    {
      name: 'Bash',
      description: 'Run a command',
      input_schema: { type: 'object' as const, properties: { command: { type: 'string' } } },
    },
  ],
  messages: [user('hi')],
};

/**
 * Providers `a` and `b` (OpenAI-compatible, scripted), `X-Team: infra` on every upstream request,
 * `overrides(presets)`, and `extra` plugins listed first.
 */
async function twoProviders(t: TestContext, aHandler: UpstreamHandler, extra: Plugin[] = []) {
  const a = await scriptedUpstream(t, aHandler);
  const b = await scriptedUpstream(t, reply);
  const proxy = await startTestProxy(t, {
    plugins: [
      ...extra,
      customHeaders({ env: {}, headers: { 'X-Team': 'infra' } }),
      openai({ name: 'a', baseUrl: `${a.url}/v1`, apiKey: 'sk-a' }),
      openai({ name: 'b', baseUrl: `${b.url}/v1`, apiKey: 'sk-b' }),
      overrides(presets),
    ],
  });
  return { a, b, proxy };
}

/** What `b` must receive: the client's request untouched by `a`'s presets. */
function assertUntouched(request: { headers: Record<string, unknown>; body: Record<string, any> }) {
  assert.equal(request.headers['x-team'], 'infra');
  assert.doesNotMatch(String(request.headers['user-agent']), /claude-cli/);
  assert.equal(request.body.temperature, 1);
  assert.deepEqual(request.body.stop, ['one', 'two']);
  assert.deepEqual(
    request.body.tools?.map((tool: { function: { name: string } }) => tool.function.name),
    ['Bash'],
  );
}

test('presets by name and inline: headers set and removed, body merged, for the matching provider only', async (t) => {
  const { a, b, proxy } = await twoProviders(t, reply);
  await proxy.client.messages.create(ask);
  await proxy.client.messages.stream({ ...ask, model: 'b,gpt-b' }).finalMessage();
  const toA = a.requests[0]!;
  assert.equal(toA.headers['user-agent'], 'claude-cli/2.0.0 (external, cli)');
  assert.equal(toA.headers['x-team'], undefined, 'X-Team: null removes the custom header');
  assert.equal(toA.body.temperature, 0.2);
  assert.deepEqual(toA.body.stop, ['END'], 'an array replaces');
  assert.equal(toA.body.tools, undefined, 'tools: null drops the tools');
  assert.equal(toA.body.tool_choice, undefined);
  assertUntouched(b.requests[0]!);
});

test('a fallback to another provider carries neither the first provider’s headers nor its body', async (t) => {
  const fallback: Plugin = {
    name: 'fallback',
    async *wrapStream(ctx, next) {
      try {
        yield* next();
      } catch {
        ctx.target = { provider: 'b', model: 'gpt-b' };
        yield* next();
      }
    },
  };
  const { a, b, proxy } = await twoProviders(t, failing, [fallback]);
  const message = await proxy.client.messages.create(ask);
  assert.deepEqual(message.content, [{ type: 'text', text: 'ok' }]);
  assert.equal(
    a.requests[0]?.headers['user-agent'],
    'claude-cli/2.0.0 (external, cli)',
    'the first attempt had a’s presets',
  );
  assertUntouched(b.requests[0]!);
});

for (const c of [
  {
    name: 'an unknown preset',
    options: { presets: {}, providers: { a: ['cli-agnet'] } },
    message: 'plugins (overrides): options.providers.a[0]: unknown preset "cli-agnet"',
  },
  {
    name: 'a misspelt preset key',
    options: { providers: { a: [{ header: {} }] } },
    message: /^plugins \(overrides\): options\.providers\.a\[0\]/,
  },
  {
    name: 'a header value that is a number',
    options: { presets: { p: { headers: { 'X-N': 1 } } }, providers: {} },
    message: 'plugins (overrides): options.presets.p.headers.X-N: expected a string or null, got 1',
  },
  {
    name: 'no providers',
    options: { presets: {} },
    message: 'plugins (overrides): options: missing "providers"',
  },
]) {
  test(`overrides with ${c.name} is a ConfigError at load`, () => {
    assert.throws(
      () => overrides(c.options as unknown as OverridesOptions),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        if (typeof c.message === 'string') assert.equal(e.message, c.message);
        else assert.match(e.message, c.message);
        return true;
      },
    );
  });
}
