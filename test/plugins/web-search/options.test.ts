import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebSearchToolResultBlock } from '../../../core/index.ts';
import { webSearch, type SearchBackend, type SearchQuery } from '../../../plugins/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { fakeModel, reply } from './fake-model.ts';
import { searxng, sideRequest, streamed } from './helpers.ts';

for (const c of [
  {
    name: 'an unset key',
    options: { backend: { type: 'tavily', apiKey: '' } },
    error: /options\.backend\.apiKey: required by tavily/,
  },
  {
    name: 'a misspelt backend',
    options: { backend: { type: 'tavly', apiKey: 'k' } },
    error: /options\.backend\.type: expected one of "tavily", .*got "tavly"/,
  },
  {
    name: 'a misspelt option',
    options: { backend: { type: 'exa', apiKey: 'k', baseurl: 'https://x' } },
    error: /unknown option "baseurl"; did you mean "baseUrl"\?/,
  },
  {
    name: 'SearXNG without its URL',
    options: { backend: { type: 'searxng' } },
    error: /options\.backend\.baseUrl: required by searxng/,
  },
]) {
  test(`config: ${c.name} stops the start with the option's path`, () => {
    assert.throws(() => webSearch(c.options as never), { name: 'ConfigError', message: c.error });
  });
}

test('config: without a backend, the environment picks one; without either, the start stops', async (t) => {
  assert.throws(() => webSearch({ env: {} }), {
    name: 'ConfigError',
    message: /options\.backend: missing, and none of TAVILY_API_KEY, .*SEARXNG_URL is set/,
  });
  const backend = await searxng(t);
  const model = fakeModel([reply([{ search: 'q' }], 'tool_use'), reply([{ text: 'ok' }])]);
  const plugin = webSearch({ env: { SEARXNG_URL: backend.url } });
  const { client } = await startTestProxy(t, { plugins: [model.plugin, plugin] });
  await streamed(client, sideRequest('q'));
  assert.equal(backend.requests.length, 1);
});

test('an in-house backend gets the query, the tool filters and the user location', async (t) => {
  const seen: SearchQuery[] = [];
  const mine: SearchBackend = {
    name: 'intranet',
    async search(query) {
      seen.push(query);
      return [
        {
          url: 'https://wiki.corp.test/node',
          title: 'Node at Corp',
          content: 'We run Node 22.',
          pageAge: null,
        },
      ];
    },
  };
  const model = fakeModel([
    reply([{ search: 'node version' }], 'tool_use'),
    reply([{ text: 'Node 22 [1].' }]),
  ]);
  const { client } = await startTestProxy(t, {
    plugins: [model.plugin, webSearch({ backend: mine, maxResults: 3 })],
  });
  const location = {
    type: 'approximate',
    city: 'Berlin',
    country: 'DE',
    timezone: 'Europe/Berlin',
  };
  const { message } = await streamed(
    client,
    sideRequest('q', { allowed_domains: ['corp.test'], user_location: location }),
  );
  assert.deepEqual(
    seen.map((q) => [q.query, q.maxResults, q.allowedDomains, q.userLocation]),
    [['node version', 3, ['corp.test'], location]],
  );
  const result = message.content[1] as WebSearchToolResultBlock;
  assert.deepEqual(Array.isArray(result.content) && result.content.map((r) => r.title), [
    'Node at Corp',
  ]);
});

test('an in-house backend that throws gives an unavailable result, not a broken stream', async (t) => {
  const broken: SearchBackend = {
    name: 'broken',
    search: () => Promise.reject(new TypeError('undefined is not a function')),
  };
  const model = fakeModel([reply([{ search: 'q' }], 'tool_use'), reply([{ text: 'No luck.' }])]);
  const { client } = await startTestProxy(t, {
    plugins: [model.plugin, webSearch({ backend: broken })],
  });
  const { message } = await streamed(client, sideRequest('q'));
  assert.deepEqual((message.content[1] as WebSearchToolResultBlock).content, {
    type: 'web_search_tool_result_error',
    error_code: 'unavailable',
  });
  assert.equal(message.stop_reason, 'end_turn');
});
