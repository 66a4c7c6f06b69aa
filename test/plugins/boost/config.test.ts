import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../core/index.ts';
import { boost } from '../../../plugins/boost/index.ts';
import { boostFromEnv } from '../../../plugins/env/boost.ts';
import { modelMap } from '../../../plugins/model-map/index.ts';
import { openai } from '../../../plugins/providers/openai/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { startTestRedis } from '../../helpers/redis.ts';
import { scriptedUpstream } from '../../helpers/upstream.ts';
import { callsTool, claudeCodeRequest, plannerSays, promptOf, startBoost } from './helpers.ts';

const planner = 'planner,gpt-4o';
const enabled = {
  ENABLE_BOOST_SUPPORT: 'BIG_MODEL',
  BOOST_BASE_URL: 'https://planner.example/v1',
  BOOST_API_KEY: 'sk-p',
};

for (const c of [
  {
    name: 'no planner',
    options: { tiers: ['big'] },
    message: /^plugins \(boost\): options: missing "planner"$/,
  },
  {
    name: 'a planner without its provider',
    options: { tiers: ['big'], planner: 'gpt-4o' },
    message:
      /^plugins \(boost\): options\.planner: expected "provider,model" naming a configured provider, got "gpt-4o"$/,
  },
  {
    name: 'a planner without its model',
    options: { tiers: ['big'], planner: 'openai,' },
    message: /options\.planner: expected "provider,model"/,
  },
  {
    name: 'the planner as the endpoint object boost took before',
    options: { tiers: ['big'], planner: { baseUrl: 'https://planner.example/v1', apiKey: 'k' } },
    message: /^plugins \(boost\): options\.planner: expected a string/,
  },
  {
    name: 'an unknown tier',
    options: { tiers: ['huge'], planner },
    message: /options\.tiers\[0\]: expected one of "big", "middle", "small", got "huge"/,
  },
  {
    name: 'a misspelt option',
    options: { tiers: ['big'], planner, templat: 'x' },
    message: /unknown option "templat"; did you mean "template"\?/,
  },
  { name: 'neither tiers nor routes', options: { planner }, message: /set "tiers" or "routes"/ },
  {
    name: 'cache: true',
    options: { tiers: ['big'], planner, cache: true },
    message: /options\.cache/,
  },
]) {
  test(`config error at start-up: ${c.name}`, () => {
    assert.throws(
      () => boost(c.options as never),
      (error: unknown) => error instanceof ConfigError && c.message.test(error.message),
    );
  });
}

test('env: boost is off when ENABLE_BOOST_SUPPORT is unset or NONE (any case)', () => {
  assert.equal(boostFromEnv({}), null);
  assert.equal(boostFromEnv({ ENABLE_BOOST_SUPPORT: 'none', BOOST_BASE_URL: '' }), null);
});

test('env: BOOST_BASE_URL and BOOST_API_KEY are required when enabled; a bad tier is named', () => {
  const fails = (env: NodeJS.ProcessEnv, message: RegExp) =>
    assert.throws(
      () => boostFromEnv(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  fails(
    { ...enabled, BOOST_BASE_URL: '' },
    /^BOOST_BASE_URL is required when ENABLE_BOOST_SUPPORT is not NONE$/,
  );
  fails({ ...enabled, BOOST_API_KEY: undefined }, /^BOOST_API_KEY is required/);
  fails(
    { ...enabled, ENABLE_BOOST_SUPPORT: 'HUGE_MODEL' },
    /^ENABLE_BOOST_SUPPORT: expected one of NONE, BIG_MODEL, MIDDLE_MODEL, SMALL_MODEL, got "HUGE_MODEL"$/,
  );
});

test('env: middle_model boosts sonnet requests with BOOST_MODEL defaulting to gpt-4o and the custom template', async (t) => {
  const plannerUpstream = await scriptedUpstream(t, plannerSays('SUMMARY: done'));
  const executor = await scriptedUpstream(t, callsTool('Read', { file_path: '/a' }));
  const plugin = boostFromEnv({
    ENABLE_BOOST_SUPPORT: 'middle_model',
    BOOST_BASE_URL: `${plannerUpstream.url}/v1`,
    BOOST_API_KEY: 'sk-env',
    BOOST_WRAPPER_TEMPLATE: 'Plan {user_request}',
  });
  const { client } = await startTestProxy(t, {
    plugins: [
      openai({ name: 'exec', baseUrl: `${executor.url}/v1`, apiKey: 'k' }),
      modelMap({ big: 'exec,m' }),
      plugin,
    ],
  });
  await client.messages.create({ ...claudeCodeRequest('hello'), model: 'claude-opus-4-8' });
  assert.equal(plannerUpstream.requests.length, 0, 'opus is the big tier: not boosted');
  const message = await client.messages.create({
    ...claudeCodeRequest('hello'),
    model: 'claude-sonnet-4-5',
    system: undefined,
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'done' }]);
  const request = plannerUpstream.requests[0]!;
  assert.equal(request.body.model, 'gpt-4o');
  assert.equal(request.headers.authorization, 'Bearer sk-env');
  assert.equal(promptOf(request), 'Plan hello');
});

test('routes: boost applies to a route reason, whatever the tier', async (t) => {
  const { client, planner: upstream } = await startBoost(t, {
    planner: plannerSays('SUMMARY: ok'),
    options: { tiers: [], routes: ['explicit'] },
  });
  await client.messages.create(claudeCodeRequest('hi'));
  assert.equal(upstream.requests.length, 0);
  await client.messages.create({ ...claudeCodeRequest('hi'), model: 'exec,cheap-model' });
  assert.equal(upstream.requests.length, 1);
});

test('with cache.redis, two instances share plans: the second makes no planner call', async (t) => {
  const redis = await startTestRedis(t);
  const plannerUpstream = await scriptedUpstream(
    t,
    plannerSays('ANALYSIS: a\nGUIDANCE: call Read'),
  );
  const executor = await scriptedUpstream(t, callsTool('Read', { file_path: '/a' }));
  const instance = () =>
    startTestProxy(t, {
      plugins: [
        openai({ name: 'exec', baseUrl: `${executor.url}/v1`, apiKey: 'k' }),
        openai({ name: 'planner', baseUrl: `${plannerUpstream.url}/v1`, apiKey: 'sk-p' }),
        modelMap({ big: 'exec,m' }),
        boost({ tiers: ['big'], planner: 'planner,gpt-4o', cache: { redis: redis.url } }),
      ],
    });
  const [a, b] = [await instance(), await instance()];
  await a.client.messages.create(claudeCodeRequest('read a'));
  const second = await b.client.messages.create(claudeCodeRequest('read a'));
  assert.equal(plannerUpstream.requests.length, 1);
  assert.equal(executor.requests.length, 2);
  assert.equal((second.usage as { planner?: { cached: boolean } }).planner?.cached, true);
});

test('with Redis down, requests are still planned and answered', async (t) => {
  const redis = await startTestRedis(t);
  const { client, planner: upstream } = await startBoost(t, {
    planner: plannerSays('SUMMARY: fine'),
    options: { cache: { redis: redis.url } },
  });
  await redis.stop();
  const message = await client.messages.create(claudeCodeRequest('hi'));
  assert.deepEqual(message.content, [{ type: 'text', text: 'fine' }]);
  assert.equal(upstream.requests.length, 1);
});
