import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import test, { type TestContext } from 'node:test';
import { request } from 'undici';
import { grammarError, runChecks } from '../../bench/checks.ts';
import { runLoad, type Target } from '../../bench/load.ts';
import { startUpstream } from '../../bench/upstream.ts';
import { modelMap, openai } from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';

async function benchUpstream(t: TestContext, gateTimeoutMs?: number) {
  const upstream = await startUpstream({ gateTimeoutMs });
  t.after(() => upstream.close());
  return upstream;
}

async function ccproxyTarget(t: TestContext, upstream: string): Promise<Target> {
  const { url } = await startTestProxy(t, {
    plugins: [
      openai({ baseUrl: `${upstream}/v1`, apiKey: 'sk-bench' }),
      modelMap({ big: 'openai,bench-model' }),
    ],
  });
  return {
    origin: url,
    path: '/v1/messages',
    headers: { 'x-api-key': 'k' },
    model: 'claude-sonnet-4-5',
  };
}

test('every benchmark check passes for ccproxy in front of the scripted upstream', async (t) => {
  const upstream = await benchUpstream(t);
  const results = await runChecks(await ccproxyTarget(t, upstream.url), upstream.url);
  assert.deepEqual(
    results.filter((r) => r.error),
    [],
  );
  assert.equal(results.length, 7);
});

test('the no-buffering check fails for a proxy that buffers the whole stream', async (t) => {
  const upstream = await benchUpstream(t, 50);
  const target = await ccproxyTarget(t, upstream.url);
  // A relay that forwards the answer only once it has all of it, as a buffering proxy would.
  const relay = createServer((req, res) => void buffered(req, res));
  async function buffered(req: IncomingMessage, res: ServerResponse) {
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    const answer = await request(target.origin + req.url, {
      method: 'POST',
      headers: req.headers,
      body: Buffer.concat(body),
    });
    const text = await answer.body.text();
    const headers = {
      'content-type': String(answer.headers['content-type']),
      'retry-after': String(answer.headers['retry-after'] ?? ''),
    };
    res.writeHead(answer.statusCode, headers).end(text);
  }
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  t.after(() => relay.close());
  const origin = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  const results = await runChecks({ ...target, origin }, upstream.url);
  const failed = results.filter((r) => r.error).map((r) => r.name);
  assert.deepEqual(failed, ['no buffering']);
});

test('the load generator times the first content delta of every stream and tool call', async (t) => {
  const upstream = await benchUpstream(t);
  const target = await ccproxyTarget(t, upstream.url);
  for (const body of ['normal', 'tool'] as const) {
    const samples = await runLoad(
      target,
      { kind: 'sse', body, concurrency: 2 },
      { seconds: 30, maxRequests: 6 },
    );
    assert.equal(samples.errors, 0, samples.firstError);
    assert.equal(samples.total.length, 6);
    assert.equal(samples.firstDelta.length, 6, `${body}: a first delta for every stream`);
  }
});

for (const c of [
  {
    name: 'a well-formed stream',
    events: [
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ],
    error: '',
  },
  {
    name: 'a delta for a block never opened',
    events: ['message_start', 'content_block_delta:0'],
    error: 'event 1 (content_block_delta): index 0, open block -1',
  },
  {
    name: 'message_delta while a block is open',
    events: ['message_start', 'content_block_start:0', 'message_delta'],
    error: 'event 2 (message_delta): block 0 still open',
  },
  {
    name: 'a stream without message_stop',
    events: ['message_start', 'message_delta'],
    error: 'the stream does not end with message_stop',
  },
  {
    name: 'a second message_start',
    events: ['message_start', 'message_start'],
    error: 'event 1 (message_start): message_start must come first, once',
  },
]) {
  test(`the grammar check on ${c.name}`, () => {
    const events = c.events.map((e) => {
      const [type, index] = e.split(':');
      return { type: type!, ...(index !== undefined && { index: Number(index) }) };
    });
    assert.equal(grammarError(events), c.error);
  });
}
