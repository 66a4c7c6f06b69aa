import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolUseBlock, WebSearchToolResultBlock } from '../../../core/index.ts';
import { openai, webSearch } from '../../../plugins/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { scriptedUpstream } from '../../helpers/upstream.ts';
import { webSearchModel } from './e2e-script.ts';
import { searxng, sideRequest, streamed, types } from './helpers.ts';

/** Claude Code's WebSearch client tool, as its main turn offers it. */
const WEB_SEARCH_TOOL = {
  name: 'WebSearch',
  description: 'Allows Claude to search the web',
  input_schema: {
    type: 'object',
    properties: {
      query: { type: 'string' },
      allowed_domains: { type: 'array', items: { type: 'string' } },
      blocked_domains: { type: 'array', items: { type: 'string' } },
    },
    required: ['query'],
  },
};

test('H2: Claude Code flow, main turn → WebSearch side request → answer, on an OpenAI upstream and SearXNG', async (t) => {
  const model = await scriptedUpstream(t, webSearchModel);
  const backend = await searxng(t);
  const { client } = await startTestProxy(t, {
    plugins: [
      openai({ baseUrl: `${model.url}/v1`, apiKey: 'sk-test' }),
      webSearch({ backend: { type: 'searxng', baseUrl: backend.url } }),
    ],
  });
  const main = {
    model: 'claude-sonnet-4-5',
    max_tokens: 32000,
    tools: [WEB_SEARCH_TOOL],
    messages: [{ role: 'user', content: 'When was Node 22 released? Search the web.' }],
  };

  const { message: first } = await streamed(client, main);
  const call = first.content[0] as ToolUseBlock;
  assert.deepEqual([call.name, call.input], ['WebSearch', { query: 'node.js 22 release date' }]);

  // What Claude Code's WebSearch tool does with that call: the side request, served by ccproxy.
  const { message: side } = await streamed(
    client,
    sideRequest((call.input as { query: string }).query),
  );
  assert.deepEqual(types(side), ['server_tool_use', 'web_search_tool_result', 'text']);
  const results = (side.content[1] as WebSearchToolResultBlock).content;
  assert.ok(Array.isArray(results) && results.length === 2);
  assert.equal(side.usage.server_tool_use?.web_search_requests, 1);

  const answer = side.content[2] as { text: string };
  const links = JSON.stringify(results.map((r) => ({ title: r.title, url: r.url })));
  const summary = `Web search results for query: "node.js 22 release date"\n\nLinks: ${links}\n\n${answer.text}`;
  const { message: last } = await streamed(client, {
    ...main,
    messages: [
      ...main.messages,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: summary }] },
    ],
  });
  assert.equal(
    last.content[0]?.type === 'text' && last.content[0].text,
    'According to the web search, Node.js 22 was released on April 24, 2024.',
  );
  assert.equal(backend.requests.length, 1);
});
