import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { user } from '../../helpers/proxy.ts';
import { replyJson, replySse, sseData } from '../../helpers/upstream.ts';
import { chunk, rawStream, setup } from './helpers.ts';

const hi = { model: 'gpt-4o', max_tokens: 64, messages: [user('hi')] };

/** The error the SDK throws for one request against an upstream answering `status` + `body`. */
async function refusal(
  t: import('node:test').TestContext,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const { proxy, upstream } = await setup(t, (_req, res) => replyJson(res, status, body, headers));
  const error = await proxy.client.messages.create(hi).catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.APIError, `an APIError for upstream ${status}`);
  return { error, upstream, proxy };
}

const openaiError = (message: string, type: string, code: string | null = null) => ({
  error: { message, type, param: null, code },
});

test('E1, E6: upstream 400/401/403/404 keep their meaning and the upstream text; a refused configured key is 403', async (t) => {
  const cases: [number, number, string][] = [
    [400, 400, 'invalid_request_error'],
    // ccproxy's own key was refused: not the client's login (Claude Code retries a 401 for minutes).
    [401, 403, 'permission_error'],
    [403, 403, 'permission_error'],
    [404, 404, 'not_found_error'],
    [422, 400, 'invalid_request_error'],
    [413, 413, 'request_too_large'],
  ];
  for (const [status, expected, type] of cases) {
    const { error } = await refusal(
      t,
      status,
      openaiError(`upstream says ${status}`, 'invalid_request_error'),
    );
    assert.equal(error.status, expected);
    assert.equal((error.error as { error: { type: string } }).error.type, type);
    assert.match(error.message, new RegExp(`openai: upstream says ${status}`));
  }
});

test("E1: with passThroughKey the refused key is the client's own: 401 authentication_error, saying so", async (t) => {
  const { proxy } = await setup(
    t,
    (_req, res) =>
      replyJson(res, 401, openaiError('Incorrect API key provided', 'invalid_request_error')),
    { apiKey: undefined, passThroughKey: true },
  );
  const error = await proxy.client.messages.create(hi).catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.APIError);
  assert.equal(error.status, 401);
  assert.equal((error.error as { error: { type: string } }).error.type, 'authentication_error');
  assert.match(error.message, /refused the key your client sent through provider \\?"openai\\?"/);
});

test('E2, E14: 429 keeps retry-after, capped at 60 s; derived from retry-after-ms and x-ratelimit-reset', async (t) => {
  const cases: [Record<string, string>, string | null][] = [
    [{ 'retry-after': '7' }, '7'],
    [{ 'retry-after': '3600' }, '60'],
    [{ 'retry-after-ms': '1500' }, '2'],
    [{ 'x-ratelimit-reset-requests': '1.2s', 'x-ratelimit-reset-tokens': '6m0s' }, '60'],
    [{ 'x-ratelimit-reset-tokens': '20ms' }, '1'],
    [{}, null],
  ];
  for (const [headers, expected] of cases) {
    const { error } = await refusal(
      t,
      429,
      openaiError('Rate limit reached for gpt-4o', 'requests', 'rate_limit_exceeded'),
      headers,
    );
    assert.equal(error.status, 429);
    assert.equal((error.error as { error: { type: string } }).error.type, 'rate_limit_error');
    assert.equal(error.headers?.get('retry-after') ?? null, expected, JSON.stringify(headers));
  }
});

test('E3: 429 insufficient_quota is a non-retryable 402 billing_error', async (t) => {
  const { error } = await refusal(
    t,
    429,
    openaiError('You exceeded your current quota', 'insufficient_quota', 'insufficient_quota'),
    { 'retry-after': '20' },
  );
  assert.equal(error.status, 402);
  assert.equal((error.error as { error: { type: string } }).error.type, 'billing_error');
  assert.equal(error.headers?.get('x-should-retry'), 'false');
  assert.match(error.message, /exceeded your current quota/);
});

test('E4: 500 and 502 are api_error, 503 is overloaded_error 529, a timeout is 504', async (t) => {
  for (const [status, expected, type] of [
    [500, 500, 'api_error'],
    [502, 502, 'api_error'],
    [503, 529, 'overloaded_error'],
  ] as const) {
    const { error } = await refusal(
      t,
      status,
      openaiError('The server had an error', 'server_error'),
    );
    assert.equal(error.status, expected);
    assert.equal((error.error as { error: { type: string } }).error.type, type);
  }
  const { proxy } = await setup(t, () => new Promise(() => {}), { timeoutMs: 100 }); // never answers
  const error = await proxy.client.messages.create(hi).catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.APIError);
  assert.equal(error.status, 504);
  assert.equal((error.error as { error: { type: string } }).error.type, 'timeout_error');
});

test('E5: an upstream error before any output is an HTTP error with an Anthropic body, never a 200 stream', async (t) => {
  const { proxy } = await setup(t, (_req, res) =>
    replyJson(res, 500, openaiError('boom', 'server_error')),
  );
  const { response, json } = await rawStream(proxy, hi);
  assert.equal(response.status, 500);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(json.type, 'error');
  assert.equal(json.error.type, 'api_error');
  assert.match(json.error.message, /boom/);
});

test('E7: context-length errors become 400 "prompt is too long" (OpenAI, vLLM, Ollama, Gemini wording)', async (t) => {
  const cases: [number, unknown][] = [
    [
      400,
      openaiError(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130532 tokens. Please reduce the length of the messages.",
        'invalid_request_error',
        'context_length_exceeded',
      ),
    ],
    [
      400,
      {
        object: 'error',
        message:
          "This model's maximum context length is 32768 tokens. However, you requested 41000 tokens (40000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    ],
    [
      400,
      {
        error: {
          message: 'prompt too long; exceeded max context length by 4096 tokens',
          type: 'api_error',
        },
      },
    ],
    [
      400,
      [
        {
          error: {
            code: 400,
            message:
              'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
            status: 'INVALID_ARGUMENT',
          },
        },
      ],
    ],
    [
      413,
      openaiError(
        'Request too large: context_length_exceeded',
        'invalid_request_error',
        'context_length_exceeded',
      ),
    ],
  ];
  for (const [status, body] of cases) {
    const { error } = await refusal(t, status, body);
    assert.equal(error.status, 400, JSON.stringify(body));
    assert.equal((error.error as { error: { type: string } }).error.type, 'invalid_request_error');
    assert.match(error.message, /prompt is too long/i);
  }
  const { error } = await refusal(
    t,
    400,
    openaiError(
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130532 tokens.",
      'invalid_request_error',
      'context_length_exceeded',
    ),
  );
  assert.match(
    (error.error as { error: { message: string } }).error.message,
    /^prompt is too long: 130532 tokens > 128000 maximum/,
  );
});

test('E7: a prompt that fits but for max_tokens gets the wording Claude Code retries with a smaller max_tokens', async (t) => {
  const { error } = await refusal(t, 400, {
    object: 'error',
    message:
      "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens (8000 in the messages, 32000 in the completion).",
    type: 'BadRequestError',
    code: 400,
  });
  assert.equal(error.status, 400);
  assert.match(
    (error.error as { error: { message: string } }).error.message,
    /^input length and `max_tokens` exceed context limit: 8000 \+ 32000 > 32768/,
  );
});

test('E8: an unreachable upstream gives a 5xx Anthropic error', async (t) => {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as import('node:net').AddressInfo;
  probe.close();
  await once(probe, 'close');
  const { proxy } = await setup(t, () => {}, { baseUrl: `http://127.0.0.1:${port}/v1` });
  const error = await proxy.client.messages.create(hi).catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.APIError);
  assert.equal(error.status, 502);
  assert.equal((error.error as { error: { type: string } }).error.type, 'api_error');
  assert.match(error.message, /unreachable/);
});

test('E9: a connection dropped mid-stream gives an SSE error and no message_stop; finalMessage() rejects', async (t) => {
  const { proxy } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    // Cut once the chunk is on the wire, so the drop comes after real output.
    res.write(sseData(chunk({ role: 'assistant', content: 'Half' })), () => res.destroy());
  });
  const error = await proxy.client.messages
    .stream(hi)
    .finalMessage()
    .catch((e: unknown) => e);
  assert.ok(error instanceof Error);
  const { events } = await rawStream(proxy, hi);
  assert.equal(events.at(-1)!.data.type, 'error');
  assert.ok(
    events.some((e) => e.data.type === 'content_block_delta'),
    'the text before the drop was relayed',
  );
  assert.ok(!events.some((e) => e.data.type === 'message_stop'));
});

test('E11: an `event: error` line and a vLLM error object become SSE errors with the mapped type', async (t) => {
  const { proxy } = await setup(t, [
    (_req, res) =>
      replySse(res, [
        sseData(chunk({ content: 'x' })),
        'event: error\ndata: {"error":{"message":"Rate limit exceeded","code":429}}\n\n',
      ]),
    (_req, res) =>
      replySse(res, [
        sseData(chunk({ content: 'x' })),
        sseData({
          object: 'error',
          message: 'Engine overloaded',
          type: 'ServiceUnavailableError',
          code: 503,
        }),
      ]),
  ]);
  const first = await rawStream(proxy, hi);
  assert.deepEqual(first.events.at(-1)!.data, {
    type: 'error',
    error: { type: 'rate_limit_error', message: 'openai: Rate limit exceeded' },
  });
  const second = await rawStream(proxy, hi);
  assert.equal((second.events.at(-1)!.data.error as { type: string }).type, 'overloaded_error');
});

test('E12: closing the client connection aborts the upstream request', async (t) => {
  let closed!: () => void;
  const upstreamClosed = new Promise<void>((resolve) => (closed = resolve));
  const { proxy, upstream } = await setup(t, (_req, res) => {
    res.once('close', closed);
    return replySse(res, [sseData(chunk({ role: 'assistant', content: 'Working' }))], {
      end: 'hang',
    });
  });
  const stream = proxy.client.messages.stream(hi);
  const ended = stream.done().catch(() => 'aborted');
  await new Promise<void>((resolve) => stream.on('text', () => resolve()));
  stream.abort();
  assert.equal(await ended, 'aborted');
  await upstreamClosed;
  assert.equal(upstream.aborted.length, 1);
});

test('E13: a block that cannot be sent (a Files API image) gets 400 naming it, with no upstream call', async (t) => {
  const { proxy, upstream } = await setup(t, (_req, res) => replyJson(res, 500, {}));
  const error = await proxy.client.messages
    .create({
      model: 'gpt-4o',
      max_tokens: 64,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'file', file_id: 'file_011CNha8iCJcU1wXNR6q4V8w' } },
          ],
        },
      ],
    })
    .catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.APIError);
  assert.equal(error.status, 400);
  assert.match(
    (error.error as { error: { message: string } }).error.message,
    /image with a "file" source/,
  );
  assert.equal(upstream.requests.length, 0);
});
