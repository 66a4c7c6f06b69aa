import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { anthropic, auth, envPreset, openai } from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { CHAT } from './answers.ts';

const TEAM = 'sk-team-0123456789abcdef';
const MESSAGE = JSON.parse(
  readFileSync(new URL('../fixtures/anthropic/message.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const body = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 8,
  messages: [{ role: 'user', content: 'hi' }],
});

/** README's own example: auth with a team key in front of anthropic() without apiKey. */
async function teamAnthropic(t: TestContext, answerHeaders: Record<string, string> = {}) {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, MESSAGE, answerHeaders),
  );
  const proxy = await startTestProxy(t, {
    plugins: [
      auth({ keys: [TEAM] }),
      anthropic({ baseUrl: upstream.url, models: ['claude-sonnet-4-5'] }),
    ],
  });
  const post = (headers: Record<string, string>) =>
    fetch(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  return { upstream, post };
}

test('pass-through: the team key auth verified never reaches Anthropic, nor cookies or forwarding headers', async (t) => {
  const { upstream, post } = await teamAnthropic(t);
  const res = await post({
    'x-api-key': TEAM,
    cookie: 'session=secret-session-cookie',
    'x-forwarded-for': '10.0.0.7',
    'x-real-ip': '10.0.0.7',
    forwarded: 'for=10.0.0.7',
    'x-internal-token': 'gateway-secret',
    'anthropic-beta': 'interleaved-thinking-2025-05-14',
    'user-agent': 'claude-cli/2.1.330 (external, cli)',
    'x-app': 'cli',
  });
  assert.equal(res.status, 200);
  const got = upstream.requests[0]!.headers;
  assert.equal(got['x-api-key'], undefined);
  assert.equal(got.authorization, undefined);
  assert.ok(!JSON.stringify(got).includes(TEAM));
  for (const name of ['cookie', 'x-forwarded-for', 'x-real-ip', 'forwarded', 'x-internal-token'])
    assert.equal(got[name], undefined, `${name} was forwarded`);
  // What the API needs still goes.
  assert.equal(got['anthropic-beta'], 'interleaved-thinking-2025-05-14');
  assert.equal(got['anthropic-version'], '2023-06-01');
  assert.equal(got['user-agent'], 'claude-cli/2.1.330 (external, cli)');
  assert.equal(got['x-app'], 'cli');
});

test("pass-through: the user's own Anthropic login beside the team key goes through", async (t) => {
  const { upstream, post } = await teamAnthropic(t);
  await post({ 'x-api-key': TEAM, authorization: 'Bearer sk-ant-oat01-user-login' });
  const got = upstream.requests[0]!.headers;
  assert.equal(got.authorization, 'Bearer sk-ant-oat01-user-login');
  assert.equal(got['x-api-key'], undefined);
});

test('relay: upstream cookies and gateway x-* headers stay behind; Anthropic and retry headers come back', async (t) => {
  const { post } = await teamAnthropic(t, {
    'set-cookie': '__cf_bm=tracker; path=/',
    'x-envoy-upstream-service-time': '12',
    'x-internal-route': 'pod-7',
    'anthropic-ratelimit-requests-remaining': '99',
    'x-should-retry': 'false',
  });
  const res = await post({ 'x-api-key': TEAM, authorization: 'Bearer sk-ant-oat01-user-login' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('set-cookie'), null);
  assert.equal(res.headers.get('x-envoy-upstream-service-time'), null);
  assert.equal(res.headers.get('x-internal-route'), null);
  assert.equal(res.headers.get('anthropic-ratelimit-requests-remaining'), '99');
  assert.equal(res.headers.get('x-should-retry'), 'false');
});

/** An OpenAI-compatible upstream reached with `plugins`; returns the credential it received. */
async function credentialSent(t: TestContext, plugins: (url: string) => unknown[], key: string) {
  const upstream = await scriptedUpstream(t, (_req, res) => replyJson(res, 200, CHAT));
  const proxy = await startTestProxy(t, {
    plugins: plugins(`${upstream.url}/v1`) as never,
    apiKey: key,
  });
  await proxy.client.messages.create({
    model: 'gpt-4o',
    max_tokens: 8,
    messages: [{ role: 'user', content: 'hi' }],
  });
  return upstream.requests[0]!.headers.authorization;
}

for (const c of [
  {
    name: 'an own OpenAI key is forwarded',
    key: 'sk-proj-own-openai-key',
    sent: 'Bearer sk-proj-own-openai-key',
  },
  { name: 'an Anthropic API key is not', key: 'sk-ant-api03-user-key', sent: undefined },
  { name: 'an Anthropic OAuth token is not', key: 'sk-ant-oat01-user-login', sent: undefined },
]) {
  test(`env mode without OPENAI_API_KEY (dynamic mode): ${c.name}`, async (t) => {
    const sent = await credentialSent(t, (url) => envPreset({ OPENAI_BASE_URL: url }), c.key);
    assert.equal(sent, c.sent);
  });
}

test('dynamic mode with ANTHROPIC_API_KEY: the key clients present to ccproxy is not forwarded', async (t) => {
  const sent = await credentialSent(
    t,
    (url) => envPreset({ OPENAI_BASE_URL: url, ANTHROPIC_API_KEY: TEAM }),
    TEAM,
  );
  assert.equal(sent, undefined);
});

test("env mode with OPENAI_API_KEY: the configured key is sent, never the client's", async (t) => {
  const sent = await credentialSent(
    t,
    (url) => envPreset({ OPENAI_BASE_URL: url, OPENAI_API_KEY: 'sk-configured-upstream' }),
    'sk-proj-own-openai-key',
  );
  assert.equal(sent, 'Bearer sk-configured-upstream');
});

test('openai({ passThroughKey }) behind auth never forwards the verified team key', async (t) => {
  const sent = await credentialSent(
    t,
    (url) => [
      auth({ keys: [TEAM] }),
      openai({ name: 'openai', baseUrl: url, passThroughKey: true }),
    ],
    TEAM,
  );
  assert.equal(sent, undefined);
});
