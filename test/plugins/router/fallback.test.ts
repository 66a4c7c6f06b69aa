import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { openai, router } from '../../../plugins/index.ts';
import { backoffMs, retrySettings } from '../../../plugins/router/retry.ts';
import { startTestProxy, user } from '../../helpers/proxy.ts';
import { replyJson, replySse, scriptedUpstream } from '../../helpers/upstream.ts';
import { chunk, openaiReply, usageChunk } from '../../providers/openai/helpers.ts';
import { textStream } from './fake-provider.ts';
import {
  answering,
  ask,
  failing,
  rejection,
  requestLines,
  textOf,
  withOne,
  withFallback,
} from './setup.ts';

const quick = { attempts: 0 } as const;

/** A URL where nothing listens: connections are refused. */
async function closedUrl(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const hanging = (t: Parameters<typeof scriptedUpstream>[0]) =>
  scriptedUpstream(t, () => new Promise<void>(() => {}));

for (const c of [
  { name: 'refuses connections', first: async () => ({ url: await closedUrl() }) },
  { name: 'answers 500', first: (t: never) => failing(t, 500) },
  { name: 'answers 429', first: (t: never) => failing(t, 429, { 'retry-after': '30' }) },
  { name: 'times out before the first byte', first: (t: never) => hanging(t) },
]) {
  test(`a fallback serves when the first target ${c.name}; header and log name it`, async (t) => {
    const first = await c.first(t as never);
    const backup = await answering(t, 'from backup');
    const { client, logs } = await withFallback(t, first, backup, {
      retry: quick,
      timeouts: { firstByteMs: 300 },
    });
    const { data, response } = await ask(client, 'claude-sonnet-4-6').withResponse();
    assert.equal(textOf(data), 'from backup');
    assert.equal(response.headers.get('x-ccproxy-target'), 'b,two');
    const line = requestLines(logs)[0]!;
    assert.equal(line.target, 'b,two');
    assert.equal(line.route, 'default+fallback');
  });
}

test('a timed-out attempt has its upstream connection closed at once', async (t) => {
  const slow = await hanging(t);
  const backup = await answering(t);
  const { client } = await withFallback(t, slow, backup, {
    retry: quick,
    timeouts: { firstByteMs: 200 },
  });
  await ask(client, 'claude-sonnet-4-6');
  assert.equal(slow.aborted.length, 1);
});

test('E9: no fallback once the first byte went out: the client gets an SSE error', async (t) => {
  let cut!: () => void;
  const clientSawText = new Promise<void>((resolve) => (cut = resolve));
  const broken = await scriptedUpstream(t, async (req, res) => {
    await replySse(res, textStream(req.body.model, ['partial']).slice(0, 3), { end: 'hang' });
    await clientSawText;
    res.destroy();
  });
  const backup = await answering(t);
  const { client } = await withFallback(t, broken, backup, { retry: quick });
  const stream = client.messages.stream({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    messages: [user('hi')],
  });
  const seen: string[] = [];
  stream.on('text', (text) => {
    seen.push(text);
    cut();
  });
  await assert.rejects(stream.finalMessage());
  assert.deepEqual(seen, ['partial']);
  assert.equal(backup.requests.length, 0);
});

test('a retry after a transient 503 succeeds on the same target', async (t) => {
  const flaky = await scriptedUpstream(t, [
    (_req, res) => void res.writeHead(503).end('busy'),
    (req, res) => replySse(res, textStream(req.body.model, ['second time'])),
  ]);
  const { client } = await withOne(t, flaky, { retry: { baseMs: 5 } });
  assert.equal(textOf(await ask(client, 'claude-sonnet-4-6')), 'second time');
  assert.equal(flaky.requests.length, 2);
});

test('retries are bounded in count: a target always answering 500 is called 1 + attempts times', async (t) => {
  const down = await failing(t, 500);
  const { client } = await withOne(t, down, { retry: { attempts: 2, baseMs: 5 }, breaker: false });
  const e = await rejection(ask(client, 'claude-sonnet-4-6'));
  assert.equal(e.status, 500);
  assert.equal(e.type, 'api_error');
  assert.equal(down.requests.length, 3);
});

test('retries are bounded in total time: a wait that would pass totalMs is not taken', async (t) => {
  const down = await failing(t, 500);
  const { client } = await withOne(t, down, {
    retry: { attempts: 5, baseMs: 1000, totalMs: 500 },
    breaker: false,
  });
  assert.equal((await rejection(ask(client, 'claude-sonnet-4-6'))).status, 500);
  assert.equal(down.requests.length, 1);
});

test('a 4xx other than 408/409/429 is never retried nor sent to a fallback', async (t) => {
  const wrong = await failing(t, 400);
  const backup = await answering(t);
  const { client } = await withFallback(t, wrong, backup, { retry: { baseMs: 5 } });
  assert.equal((await rejection(ask(client, 'claude-sonnet-4-6'))).status, 400);
  assert.equal(wrong.requests.length, 1);
  assert.equal(backup.requests.length, 0);
});

test('E2, E14: a retry-after beyond the longest wait ends the retries and reaches the client', async (t) => {
  const limited = await failing(t, 429, { 'retry-after': '7' });
  const { client } = await withOne(t, limited, { retry: { maxMs: 1000 } });
  const e = await rejection(ask(client, 'claude-sonnet-4-6'));
  assert.equal(e.status, 429);
  assert.equal(e.headers.get('retry-after'), '7');
  assert.equal(limited.requests.length, 1);
});

test('backoff grows exponentially with jitter, waits at least retry-after, and gives up past the longest wait', () => {
  const s = retrySettings({ baseMs: 100, maxMs: 1000 });
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((round) => backoffMs(s, round, undefined, () => 1)),
    [100, 200, 400, 800, 1000],
  );
  assert.deepEqual(
    [1, 2, 3].map((round) => backoffMs(s, round, undefined, () => 0)),
    [50, 100, 200],
  );
  assert.equal(
    backoffMs(s, 1, 700, () => 0),
    700,
  );
  assert.equal(backoffMs(s, 1, 1500), undefined);
});

test('with the OpenAI adapter: a 429 from one OpenAI-compatible upstream is served by the fallback one', async (t) => {
  const limited = await scriptedUpstream(t, (_req, res) =>
    replyJson(
      res,
      429,
      { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
      { 'retry-after': '20' },
    ),
  );
  const backup = await scriptedUpstream(
    t,
    openaiReply([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'from deepseek' }, 'stop'),
      usageChunk(12, 3),
    ]),
  );
  const { client } = await startTestProxy(t, {
    plugins: [
      openai({ name: 'groq', baseUrl: `${limited.url}/v1`, apiKey: 'sk-1' }),
      openai({ name: 'deepseek', baseUrl: `${backup.url}/v1`, apiKey: 'sk-2' }),
      router({ default: 'groq,llama-3.3-70b', fallbacks: { groq: ['deepseek,deepseek-chat'] } }),
    ],
  });
  const stream = client.messages.stream({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    messages: [user('hi')],
  });
  const message = await stream.finalMessage();
  assert.equal(textOf(message), 'from deepseek');
  assert.equal(
    limited.requests.length,
    1,
    'the retry-after is longer than the longest wait: no retry',
  );
  assert.equal(backup.requests[0]?.body.model, 'deepseek-chat');
});
