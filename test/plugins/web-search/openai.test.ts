import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { ToolUseBlock, WebSearchToolResultBlock } from '../../../core/index.ts';
import { openai, webSearch } from '../../../plugins/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { scriptedUpstream } from '../../helpers/upstream.ts';
import { chunk, completion, openaiReply, usageChunk } from '../../providers/openai/helpers.ts';
import { searxng, sideRequest, streamed, types } from './helpers.ts';

const Q = 'node.js 22 release date';

/** The model's first answer: a `web_search` function call, streamed as OpenAI does (id and name first). */
const callSearch = openaiReply(
  [
    chunk({
      role: 'assistant',
      tool_calls: [
        {
          index: 0,
          id: 'call_ws1',
          type: 'function',
          function: { name: 'web_search', arguments: '' },
        },
      ],
    }),
    chunk(
      { tool_calls: [{ index: 0, function: { arguments: `{"query":"${Q}"}` } }] },
      'tool_calls',
    ),
    usageChunk(120, 15),
  ],
  completion(
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_ws1',
          type: 'function',
          function: { name: 'web_search', arguments: `{"query":"${Q}"}` },
        },
      ],
    },
    'tool_calls',
    { prompt_tokens: 120, completion_tokens: 15 },
  ),
);

/** The second answer: text citing the first result. */
const answer = openaiReply(
  [
    chunk({ content: 'Node.js 22 was released on April 24, 2024 ' }),
    chunk({ content: '[1].' }, 'stop'),
    usageChunk(400, 20),
  ],
  completion(
    { role: 'assistant', content: 'Node.js 22 was released on April 24, 2024 [1].' },
    'stop',
    { prompt_tokens: 400, completion_tokens: 20 },
  ),
);

async function setup(t: TestContext) {
  const model = await scriptedUpstream(t, [callSearch, answer]);
  const backend = await searxng(t);
  const proxy = await startTestProxy(t, {
    plugins: [
      openai({ baseUrl: `${model.url}/v1`, apiKey: 'sk-upstream' }),
      webSearch({ backend: { type: 'searxng', baseUrl: backend.url } }),
    ],
  });
  return { model, proxy };
}

for (const stream of [true, false]) {
  test(`H2 through the OpenAI adapter (${stream ? 'streaming' : 'JSON'} client): a function call becomes a served search`, async (t) => {
    const { model, proxy } = await setup(t);
    const body = { ...sideRequest(Q, {}, stream), max_tokens: 1024 };
    const message = stream
      ? (await streamed(proxy.client, body)).message
      : ((await proxy.client.messages.create(body as never)) as never);

    assert.deepEqual(types(message), ['server_tool_use', 'web_search_tool_result', 'text']);
    const use = message.content[0] as ToolUseBlock;
    assert.equal((message.content[1] as WebSearchToolResultBlock).tool_use_id, use.id);
    const text = message.content[2]!;
    assert.equal(text.type === 'text' && text.text, 'Node.js 22 was released on April 24, 2024.');
    assert.equal(
      (text.citations as { url: string }[])[0]?.url,
      'https://nodejs.org/en/blog/announcements/v22-release-announce',
    );
    assert.equal(message.usage.server_tool_use?.web_search_requests, 1);
    assert.equal(message.usage.output_tokens, 35);

    // C17: the server tool never reaches OpenAI as a parameterless function; ours has a schema.
    const [first, second] = model.requests.map(
      (r) =>
        r.body as {
          tools: { function: { name: string; parameters: unknown } }[];
          messages: Record<string, unknown>[];
        },
    );
    assert.deepEqual(
      first!.tools.map((tool) => tool.function.name),
      ['web_search'],
    );
    assert.deepEqual((first!.tools[0]!.function.parameters as { required: string[] }).required, [
      'query',
    ]);
    const [assistant, tool] = second!.messages.slice(-2);
    const calls = assistant!.tool_calls as {
      id: string;
      function: { name: string; arguments: string };
    }[];
    assert.equal(calls[0]!.id, use.id);
    assert.deepEqual(JSON.parse(calls[0]!.function.arguments), { query: Q });
    assert.equal(tool!.role, 'tool');
    assert.equal(tool!.tool_call_id, use.id);
    assert.match(String(tool!.content), /\[1\] Node\.js 22 is now available!/);
  });
}
