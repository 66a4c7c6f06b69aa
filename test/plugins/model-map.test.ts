import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { modelMap, type ModelMapOptions } from '../../plugins/model-map/index.ts';
import { fakeProvider, textStream } from '../helpers/events.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import { chunk, completion, openaiReply, setup } from '../providers/openai/helpers.ts';

/** Providers `a` and `b` (a lists `listed-model`) behind `modelMap(options)`. */
async function mapped(t: TestContext, options: ModelMapOptions) {
  const a = fakeProvider('a', () => textStream('from a'), ['listed-model']);
  const b = fakeProvider('b', () => textStream('from b'), ['b-listed']);
  const proxy = await startTestProxy(t, { plugins: [a.plugin, b.plugin, modelMap(options)] });
  /** Where a request for `model` went, as `provider,model`. */
  const routed = async (model: string) => {
    const { response } = await proxy.client.messages
      .create({ model, max_tokens: 8, messages: [user('hi')] })
      .withResponse();
    return response.headers.get('x-ccproxy-target');
  };
  return { ...proxy, a, b, routed };
}

const options: ModelMapOptions = {
  big: 'a,big-model',
  small: 'b,small-model',
  map: { 'claude-3-5-haiku-20241022': 'a,exact-model', 'my-alias': 'b,aliased' },
};

for (const [name, expected, why] of [
  ['claude-opus-4-1-20250805', 'a,big-model', 'opus → big'],
  ['Claude-OPUS-4', 'a,big-model', 'the tier word in any case'],
  ['claude-sonnet-4-5-20250929', 'a,big-model', 'sonnet → middle, which defaults to big'],
  ['claude-haiku-4-5', 'b,small-model', 'haiku → small'],
  ['claude-3-5-haiku-20241022', 'a,exact-model', 'an exact map entry before the tier'],
  ['CLAUDE-3-5-HAIKU-20241022', 'a,exact-model', 'map names in any case'],
  ['my-alias', 'b,aliased', 'a map entry that is no Claude name'],
  ['gpt-4o', 'a,gpt-4o', 'a non-Claude name passes through to the first provider'],
  ['b-listed', 'b,b-listed', 'a non-Claude name listed by a provider goes to it'],
  ['b,claude-opus-4', 'b,claude-opus-4', 'an explicit provider,model wins over the tier'],
  [
    'b/claude-3-5-haiku-20241022',
    'b,claude-3-5-haiku-20241022',
    'an explicit provider/model wins over the map',
  ],
] as const) {
  test(`H1: ${name} → ${expected} (${why})`, async (t) => {
    const { routed } = await mapped(t, options);
    assert.equal(await routed(name), expected);
  });
}

test('H1: a middle target of its own takes the sonnet names; a bare model goes to the provider listing it', async (t) => {
  const { routed, b } = await mapped(t, { big: 'a,big-model', middle: 'b-listed' });
  assert.equal(await routed('claude-sonnet-4-5'), 'b,b-listed');
  assert.equal(await routed('claude-opus-4'), 'a,big-model');
  assert.equal(
    b.calls[0]?.request.model,
    'claude-sonnet-4-5',
    'the provider is told the target through ctx.target',
  );
});

/** An OpenAI upstream that names its own dated model in every answer. */
const upstreamModel = [
  chunk({ role: 'assistant', content: 'hi' }, null, { model: 'gpt-4.1-2025-04-14' }),
  chunk({}, 'stop', { model: 'gpt-4.1-2025-04-14' }),
];
const upstreamMessage = {
  ...completion({ role: 'assistant', content: 'hi' }),
  model: 'gpt-4.1-2025-04-14',
};

test('H1: the provider receives the mapped model name', async (t) => {
  const { upstream, proxy } = await setup(
    t,
    openaiReply(upstreamModel, upstreamMessage),
    { name: 'openai' },
    {
      plugins: [modelMap({ big: 'openai,gpt-4.1', small: 'openai,gpt-4.1-mini' })],
    },
  );
  await proxy.client.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 8,
    messages: [user('hi')],
  });
  await proxy.client.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 8,
    messages: [user('hi')],
  });
  assert.deepEqual(
    upstream.requests.map((r) => r.body.model),
    ['gpt-4.1-mini', 'gpt-4.1'],
  );
});

test('the mapped targets are listed by /v1/models', async (t) => {
  const { url } = await mapped(t, options);
  const list = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
  const ids = list.data.map((m) => m.id);
  for (const id of ['a,big-model', 'b,small-model', 'a,exact-model', 'b,aliased'])
    assert.ok(ids.includes(id), id);
});

for (const [keepRequestedModel, expected] of [
  [undefined, 'claude-sonnet-4-5'],
  [false, 'gpt-4.1'],
] as const) {
  test(`D20: keepRequestedModel ${String(keepRequestedModel)}: the client sees ${expected}, streaming or not`, async (t) => {
    const { proxy } = await setup(
      t,
      openaiReply(upstreamModel, upstreamMessage),
      { name: 'openai' },
      {
        plugins: [modelMap({ big: 'openai,gpt-4.1', keepRequestedModel })],
      },
    );
    const ask = { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [user('hi')] };
    const streamed = await proxy.client.messages.stream(ask).finalMessage();
    const whole = await proxy.client.messages.create(ask);
    assert.deepEqual([streamed.model, whole.model], [expected, expected]);
  });
}

for (const c of [
  {
    name: 'a misspelt option',
    options: { bigg: 'a,m' },
    message: 'plugins (model-map): options: unknown option "bigg"; did you mean "big"?',
  },
  {
    name: 'an empty target',
    options: { small: '' },
    message: /^plugins \(model-map\): options\.small: expected .*got ""$/,
  },
  {
    name: 'a map target that is not a string',
    options: { map: { x: 1 } },
    message: 'plugins (model-map): options.map.x: expected a string, got 1',
  },
]) {
  test(`model-map with ${c.name} is a ConfigError at load`, () => {
    assert.throws(
      () => modelMap(c.options as ModelMapOptions),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        if (typeof c.message === 'string') assert.equal(e.message, c.message);
        else assert.match(e.message, c.message);
        return true;
      },
    );
  });
}
