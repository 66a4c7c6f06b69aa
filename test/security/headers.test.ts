import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { anthropic, customHeaders, gemini, openai, overrides } from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { CHAT } from './answers.ts';

const ask = (model: string) => ({
  model,
  max_tokens: 8,
  messages: [{ role: 'user' as const, content: 'hi' }],
});

test('CUSTOM_HEADER_AUTHORIZATION replaces the provider key rather than adding a second authorization', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) => replyJson(res, 200, CHAT));
  const { client } = await startTestProxy(t, {
    plugins: [
      customHeaders({ env: { CUSTOM_HEADER_AUTHORIZATION: 'Bearer custom-gateway-token' } }),
      openai({ name: 'openai', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-provider-key' }),
    ],
  });
  await client.messages.create(ask('openai,m'));
  // Node joins repeated authorization lines with ", ": one value means one line.
  assert.equal(upstream.requests[0]!.headers.authorization, 'Bearer custom-gateway-token');
});

test('header names from every source merge case-insensitively: the later source wins, once', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) => replyJson(res, 200, CHAT));
  const { client } = await startTestProxy(t, {
    plugins: [
      customHeaders({ headers: { 'X-Team': 'from-custom', 'User-Agent': 'custom-agent' } }),
      openai({
        name: 'openai',
        baseUrl: `${upstream.url}/v1`,
        headers: { 'X-TEAM': 'from-provider' },
      }),
      overrides({ providers: { openai: [{ headers: { 'user-AGENT': 'override-agent' } }] } }),
    ],
  });
  await client.messages.create(ask('openai,m'));
  const got = upstream.requests[0]!.headers;
  assert.equal(got['x-team'], 'from-custom'); // plugin headers beat the provider's own
  assert.equal(got['user-agent'], 'override-agent');
});

for (const c of [
  {
    name: 'CUSTOM_HEADER_CONTENT_LENGTH',
    make: () => customHeaders({ env: { CUSTOM_HEADER_CONTENT_LENGTH: '5' } }),
    where: 'plugins (custom-headers)',
  },
  {
    name: 'CUSTOM_HEADER_TRANSFER_ENCODING',
    make: () => customHeaders({ env: { CUSTOM_HEADER_TRANSFER_ENCODING: 'chunked' } }),
    where: 'plugins (custom-headers)',
  },
  {
    name: 'a custom Host',
    make: () => customHeaders({ headers: { Host: 'evil.example' } }),
    where: 'plugins (custom-headers)',
  },
  {
    name: 'a custom value with CR/LF',
    make: () => customHeaders({ headers: { 'X-A': 'a\r\nX-Injected: 1' } }),
    where: 'plugins (custom-headers)',
  },
  {
    name: 'an override with CR/LF',
    make: () =>
      overrides({ providers: { openai: [{ headers: { 'User-Agent': 'x\r\nHost: evil' } }] } }),
    where: 'plugins (overrides): options.providers.openai[0].headers',
  },
  {
    name: 'an override setting Connection',
    make: () => overrides({ providers: { openai: [{ headers: { Connection: 'close' } }] } }),
    where: 'plugins (overrides): options.providers.openai[0].headers',
  },
  {
    name: 'a provider header Content-Length',
    make: () => openai({ name: 'openai', headers: { 'Content-Length': '1' } }),
    where: 'plugins (openai): options.headers',
  },
  {
    name: 'a provider header with a line break',
    make: () => anthropic({ headers: { 'x-a': 'a\nb' } }),
    where: 'plugins (anthropic): options.headers',
  },
  {
    name: 'a gemini header Transfer-Encoding',
    make: () => gemini({ name: 'g', headers: { 'Transfer-Encoding': 'chunked' } }),
    where: 'plugins (g): options.headers',
  },
]) {
  test(`${c.name} is refused at start, naming where`, () => {
    assert.throws(
      c.make,
      (error: unknown) => error instanceof ConfigError && error.message.startsWith(c.where),
    );
  });
}

for (const model of ['..', '.']) {
  test(`Azure: the deployment name "${model}" is refused before any upstream call`, async (t) => {
    const upstream = await scriptedUpstream(t, (_req, res) => replyJson(res, 200, CHAT));
    const { client } = await startTestProxy(t, {
      plugins: [
        openai({
          name: 'azure',
          baseUrl: `${upstream.url}/openai`,
          apiKey: 'k',
          apiVersion: '2024-10-21',
        }),
      ],
    });
    await assert.rejects(client.messages.create(ask(`azure,${model}`)), { status: 400 });
    assert.equal(upstream.requests.length, 0);
    // A real deployment name still works.
    await client.messages.create(ask('azure,gpt-4o'));
    assert.equal(
      upstream.requests[0]!.url,
      '/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
    );
  });
}
