import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  ToolResultBlock,
  ToolUseBlock,
  WebSearchToolResultBlock,
} from '../../../core/index.ts';
import { replyJson, replySse } from '../../helpers/upstream.ts';
import { reply } from './fake-model.ts';
import { searxng, setup, sideRequest, streamed, types } from './helpers.ts';

const Q = 'node.js 22 release date';
const RELEASE = 'https://nodejs.org/en/blog/announcements/v22-release-announce';
const GITHUB = 'https://github.com/nodejs/node/releases/tag/v22.0.0';

const TWO_SEARCHES_THEN_TEXT = [
  'server_tool_use',
  'web_search_tool_result',
  'server_tool_use',
  'web_search_tool_result',
  'text',
];

const searchThenAnswer = [
  reply([{ text: "I'll search." }, { search: Q }], 'tool_use'),
  reply([{ text: ['Node.js 22 came out on April 24, 2024 [', '1]. It has require(esm) [1, 2].'] }]),
];

test('H2: the Claude Code WebSearch side request streams the search, its results and cited text', async (t) => {
  const { proxy, model, backend } = await setup(t, searchThenAnswer);
  const { message } = await streamed(proxy.client, sideRequest(Q));

  assert.deepEqual(types(message), ['text', 'server_tool_use', 'web_search_tool_result', 'text']);
  const use = message.content[1] as ToolUseBlock;
  const result = message.content[2] as WebSearchToolResultBlock;
  assert.match(use.id, /^srvtoolu_[A-Za-z0-9]+$/);
  assert.equal(use.name, 'web_search');
  assert.deepEqual(use.input, { query: Q });
  assert.equal(result.tool_use_id, use.id);
  assert.ok(Array.isArray(result.content));
  assert.deepEqual(
    result.content.map((r) => [r.type, r.url, r.page_age]),
    [
      ['web_search_result', RELEASE, '2024-04-24T00:00:00'],
      ['web_search_result', GITHUB, null],
    ],
  );
  assert.equal(result.content[0]?.title, 'Node.js 22 is now available!');
  assert.ok(
    result.content.every(
      (r) => typeof r.encrypted_content === 'string' && r.encrypted_content.length > 0,
    ),
  );

  const answer = message.content[3]!;
  assert.equal(
    answer.type === 'text' && answer.text,
    'Node.js 22 came out on April 24, 2024. It has require(esm).',
  );
  assert.deepEqual(
    (answer.citations as { type: string; url: string }[]).map((c) => [c.type, c.url]),
    [
      ['web_search_result_location', RELEASE],
      ['web_search_result_location', RELEASE],
      ['web_search_result_location', GITHUB],
    ],
  );
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.server_tool_use?.web_search_requests, 1);
  assert.equal(message.usage.input_tokens, 200, 'both model calls are billed');

  assert.equal(new URL(backend.requests[0]!.url, backend.url).searchParams.get('q'), Q);
  const [first, second] = model.requests;
  assert.deepEqual(
    first!.tools!.map((tool) => [tool.type, tool.name, Boolean(tool.input_schema)]),
    [[undefined, 'web_search', true]],
  );
  assert.deepEqual(
    second!.messages.slice(1).map((m) => m.role),
    ['assistant', 'user'],
  );
  const call = (second!.messages[1]!.content as ToolUseBlock[])[1]!;
  const answerTo = (second!.messages[2]!.content as ToolResultBlock[])[0]!;
  assert.deepEqual([call.type, call.id, call.input], ['tool_use', use.id, { query: Q }]);
  assert.equal(answerTo.tool_use_id, use.id);
  assert.match(
    answerTo.content as string,
    /\[1\] Node\.js 22 is now available!\nURL: https:\/\/nodejs\.org/,
  );
  assert.match(answerTo.content as string, /\[2\] Release 2024-04-24/);
});

test('H2: a non-streaming client gets the same message', async (t) => {
  const { proxy } = await setup(t, searchThenAnswer);
  // The SDK refuses a non-streaming call with Claude Code's 32000 max_tokens; the proxy does not care.
  const message = await proxy.client.messages.create({
    ...sideRequest(Q, {}, false),
    max_tokens: 1024,
  } as never);
  assert.deepEqual(types(message as never), [
    'text',
    'server_tool_use',
    'web_search_tool_result',
    'text',
  ]);
  const [, use, result] = message.content as unknown as [
    unknown,
    ToolUseBlock,
    WebSearchToolResultBlock,
  ];
  assert.equal(result.tool_use_id, use.id);
  assert.equal((message.content[3] as { citations: unknown[] }).citations.length, 3);
  assert.equal(message.usage.server_tool_use?.web_search_requests, 1);
});

test('H3: a search past max_uses gets max_uses_exceeded, then the model must answer', async (t) => {
  const { proxy, model, backend } = await setup(t, [
    reply([{ search: 'first' }], 'tool_use'),
    reply([{ search: 'second' }], 'tool_use'),
    reply([{ text: 'Here is what I found [1].' }]),
  ]);
  const { message } = await streamed(proxy.client, sideRequest(Q, { max_uses: 1 }));
  assert.deepEqual(types(message), TWO_SEARCHES_THEN_TEXT);
  const refused = message.content[3] as WebSearchToolResultBlock;
  assert.deepEqual(refused.content, {
    type: 'web_search_tool_result_error',
    error_code: 'max_uses_exceeded',
  });
  assert.equal(refused.tool_use_id, (message.content[2] as ToolUseBlock).id);
  assert.equal(backend.requests.length, 1);
  assert.equal(message.usage.server_tool_use?.web_search_requests, 1);
  assert.equal(model.requests.length, 3);
  assert.equal(model.requests[2]!.tools, undefined, 'the model is no longer offered the search');
  const told = (model.requests[2]!.messages.at(-1)!.content as ToolResultBlock[])[0]!;
  assert.equal(told.is_error, true);
  assert.match(told.content as string, /limit/);
});

test('several searches in one turn: ids pair up and result numbers run across searches', async (t) => {
  const results = (url: string) => ({ results: [{ url, title: url, content: `about ${url}` }] });
  const backend = await searxng(t, (req, res) =>
    replyJson(
      res,
      200,
      results(req.url.includes('alpha') ? 'https://alpha.test/' : 'https://beta.test/'),
    ),
  );
  const { proxy } = await setup(
    t,
    [
      reply([{ search: 'alpha' }, { search: 'beta' }], 'tool_use'),
      reply([{ text: 'Beta says so [2].' }]),
    ],
    { backend },
  );
  const { message } = await streamed(proxy.client, sideRequest(Q));
  assert.deepEqual(types(message), TWO_SEARCHES_THEN_TEXT);
  const [a, ra, b, rb] = message.content as unknown as [
    ToolUseBlock,
    WebSearchToolResultBlock,
    ToolUseBlock,
    WebSearchToolResultBlock,
  ];
  assert.deepEqual([ra.tool_use_id, rb.tool_use_id], [a.id, b.id]);
  assert.notEqual(a.id, b.id);
  assert.deepEqual(
    (message.content[4] as { citations: { url: string }[] }).citations.map((c) => c.url),
    ['https://beta.test/'],
  );
  assert.equal(message.usage.server_tool_use?.web_search_requests, 2);
});

test('allowed_domains: the backend is asked for the site and results off it are dropped', async (t) => {
  const { proxy, backend } = await setup(t, searchThenAnswer);
  const { message } = await streamed(
    proxy.client,
    sideRequest(Q, { allowed_domains: ['nodejs.org'] }),
  );
  assert.match(
    new URL(backend.requests[0]!.url, backend.url).searchParams.get('q')!,
    /site:nodejs\.org$/,
  );
  const result = message.content[2] as WebSearchToolResultBlock;
  assert.deepEqual(Array.isArray(result.content) && result.content.map((r) => r.url), [RELEASE]);
});

test('blocked_domains: results on a blocked domain never reach the client', async (t) => {
  const { proxy } = await setup(t, searchThenAnswer);
  const { message } = await streamed(
    proxy.client,
    sideRequest(Q, { blocked_domains: ['nodejs.org'] }),
  );
  const result = message.content[2] as WebSearchToolResultBlock;
  assert.deepEqual(Array.isArray(result.content) && result.content.map((r) => r.url), [GITHUB]);
});

for (const c of [
  {
    name: 'HTTP 500',
    code: 'unavailable',
    handler: (_req: unknown, res: Parameters<typeof replyJson>[0]) =>
      replyJson(res, 500, { error: 'boom' }),
  },
  {
    name: 'HTTP 429',
    code: 'too_many_requests',
    handler: (_req: unknown, res: Parameters<typeof replyJson>[0]) =>
      replyJson(res, 429, { error: 'slow down' }),
  },
  {
    name: 'a body that is not JSON',
    code: 'unavailable',
    handler: (_req: unknown, res: Parameters<typeof replyJson>[0]) =>
      void replySse(res, ['<html>']),
  },
  {
    name: 'no answer before the deadline',
    code: 'unavailable',
    handler: (_req: unknown, res: Parameters<typeof replyJson>[0]) =>
      void replySse(res, [], { end: 'hang' }),
  },
]) {
  test(`backend failure (${c.name}): a ${c.code} result, the model told, the answer complete`, async (t) => {
    const backend = await searxng(t, c.handler);
    const { proxy, model } = await setup(t, searchThenAnswer, {
      backend,
      plugin: { timeoutMs: 300 },
    });
    const { message } = await streamed(proxy.client, sideRequest(Q));
    assert.deepEqual(types(message), ['text', 'server_tool_use', 'web_search_tool_result', 'text']);
    assert.deepEqual((message.content[2] as WebSearchToolResultBlock).content, {
      type: 'web_search_tool_result_error',
      error_code: c.code,
    });
    assert.equal(message.usage.server_tool_use?.web_search_requests, 0);
    const told = (model.requests[1]!.messages.at(-1)!.content as ToolResultBlock[])[0]!;
    assert.equal(told.is_error, true);
    // Markers the model writes without results stay text: there is nothing to cite.
    assert.equal(message.content[3]?.type === 'text' && message.content[3].citations, undefined);
  });
}

test('no results: an empty result list and the model told so', async (t) => {
  const backend = await searxng(t, (_req, res) => replyJson(res, 200, { query: Q, results: [] }));
  const { proxy, model } = await setup(t, searchThenAnswer, { backend });
  const { message } = await streamed(proxy.client, sideRequest(Q));
  assert.deepEqual((message.content[2] as WebSearchToolResultBlock).content, []);
  assert.equal(message.usage.server_tool_use?.web_search_requests, 1);
  assert.match(
    (model.requests[1]!.messages.at(-1)!.content as ToolResultBlock[])[0]!.content as string,
    /No web results/,
  );
});

test('backend keys never reach the log, even when the backend echoes them', async (t) => {
  const key = 'tvly-secret-0123456789';
  const backend = await searxng(t, (req, res) =>
    replyJson(res, 401, { detail: `Invalid key ${String(req.headers.authorization)}` }),
  );
  const { proxy } = await setup(t, searchThenAnswer, {
    backend,
    plugin: { backend: { type: 'tavily', apiKey: key, baseUrl: backend.url } },
  });
  const { message } = await streamed(proxy.client, sideRequest(Q));
  assert.equal(backend.requests[0]!.headers.authorization, `Bearer ${key}`);
  assert.deepEqual((message.content[2] as WebSearchToolResultBlock).content, {
    type: 'web_search_tool_result_error',
    error_code: 'unavailable',
  });
  const logs = JSON.stringify(proxy.logs);
  assert.match(logs, /tavily: HTTP 401/);
  assert.doesNotMatch(logs, /tvly-secret/);
});

test('a provider in skipProviders receives the server tool untouched', async (t) => {
  const { proxy, model, backend } = await setup(t, [reply([{ text: 'native answer' }])], {
    provider: 'anthropic',
  });
  await streamed(proxy.client, sideRequest(Q));
  assert.deepEqual(model.requests[0]!.tools, sideRequest(Q).tools);
  assert.equal(backend.requests.length, 0);
});

test('a request without a web search tool passes untouched', async (t) => {
  const { proxy, model } = await setup(t, [reply([{ text: 'hi' }])]);
  const body = {
    model: 'claude-sonnet-4-5',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hi' }],
    tools: [{ name: 'Bash', input_schema: { type: 'object' } }],
  };
  await streamed(proxy.client, body);
  assert.deepEqual(model.requests[0]!.tools, body.tools);
});

test('a client tool called alongside a search ends the message with tool_use for the client', async (t) => {
  const { proxy, model } = await setup(t, [
    reply(
      [{ search: Q }, { tool: 'Bash', input: { command: 'node -v' }, id: 'toolu_bash' }],
      'tool_use',
    ),
  ]);
  const body = {
    ...sideRequest(Q),
    tools: [...sideRequest(Q).tools, { name: 'Bash', input_schema: { type: 'object' } }],
  };
  const { message } = await streamed(proxy.client, body);
  assert.deepEqual(types(message), ['tool_use', 'server_tool_use', 'web_search_tool_result']);
  assert.equal((message.content[0] as ToolUseBlock).id, 'toolu_bash');
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(model.requests.length, 1);
});

test('thinking before a search goes back with its signature (Gemini needs its thought signature)', async (t) => {
  const { proxy, model } = await setup(t, [
    reply(
      [{ thinking: 'I should search.', signature: 'ccp1.gemini.SIG' }, { search: Q }],
      'tool_use',
    ),
    reply([{ text: 'Done [1].' }]),
  ]);
  const { message } = await streamed(proxy.client, sideRequest(Q));
  assert.deepEqual(types(message), [
    'thinking',
    'server_tool_use',
    'web_search_tool_result',
    'text',
  ]);
  const turn = model.requests[1]!.messages[1]!.content as { type: string; signature?: string }[];
  assert.deepEqual(
    turn.map((b) => [b.type, b.signature]),
    [
      ['thinking', 'ccp1.gemini.SIG'],
      ['tool_use', undefined],
    ],
  );
});

test('a forced web_search is forced once; the follow-up lets the model answer', async (t) => {
  const { proxy, model } = await setup(t, searchThenAnswer);
  await streamed(proxy.client, {
    ...sideRequest(Q),
    tool_choice: { type: 'tool', name: 'web_search' },
  });
  assert.deepEqual(model.requests[0]!.tool_choice, { type: 'tool', name: 'web_search' });
  assert.deepEqual(model.requests[1]!.tool_choice, { type: 'auto' });
});

test('earlier searches in the history reach the model as calls paired with their results', async (t) => {
  const { proxy, model } = await setup(t, searchThenAnswer);
  const { message: before } = await streamed(proxy.client, sideRequest(Q));
  await streamed(proxy.client, {
    ...sideRequest(Q),
    messages: [
      ...sideRequest(Q).messages,
      { role: 'assistant', content: before.content },
      { role: 'user', content: 'And Node 24?' },
    ],
  });
  const history = model.requests[2]!.messages;
  assert.deepEqual(
    history.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant', 'user'],
  );
  const call = (history[1]!.content as ToolUseBlock[]).at(-1)!;
  const [result, question] = history[2]!.content as [ToolResultBlock, { text: string }];
  assert.deepEqual([call.type, call.name, call.input], ['tool_use', 'web_search', { query: Q }]);
  assert.equal(result.tool_use_id, call.id);
  assert.match(result.content as string, /URL: https:\/\/nodejs\.org\/en\/blog.*\nWe're excited/);
  assert.equal((history[3]!.content as ToolUseBlock[])[0]!.type, 'text');
  assert.equal(question, undefined);
  assert.equal(history[4]!.content, 'And Node 24?');
});

test(
  'the server_tool_use reaches the client before the search ends; leaving aborts the search',
  { timeout: 10_000 },
  async (t) => {
    let closed!: () => void;
    const backendClosed = new Promise<void>((resolve) => (closed = resolve));
    const backend = await searxng(t, (_req, res) => {
      res.once('close', closed);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
    });
    const { proxy, model } = await setup(t, searchThenAnswer, { backend });
    const controller = new AbortController();
    const body = { ...sideRequest(Q), stream: true };
    const stream = await proxy.client.messages.create(body as never, { signal: controller.signal });
    const seen: string[] = [];
    // The backend never answers: only a block sent before the search can be seen here.
    for await (const event of stream as unknown as AsyncIterable<{
      content_block?: { type: string };
    }>) {
      if (event.content_block) seen.push(event.content_block.type);
      if (event.content_block?.type === 'server_tool_use') controller.abort();
    }
    await backendClosed;
    assert.deepEqual(seen, ['text', 'server_tool_use']);
    assert.equal(model.requests.length, 1);
  },
);
