import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { APIError } from '@anthropic-ai/sdk';
import { openai } from '../../plugins/index.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import { scriptedUpstream, type ScriptedUpstream } from '../helpers/upstream.ts';

const MB = 1024 * 1024;

/** Writes `head`, then `mb` MB of `x` in 1 MB writes (with backpressure), until the proxy leaves. */
async function flood(res: ServerResponse, head: string, mb: number): Promise<void> {
  res.write(head);
  const chunk = Buffer.alloc(MB, 'x');
  for (let i = 0; i < mb && !res.destroyed; i++) {
    if (!res.write(chunk))
      await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
  }
  res.end();
}

async function proxyTo(t: Parameters<typeof startTestProxy>[0], upstream: ScriptedUpstream) {
  return startTestProxy(t, {
    plugins: [openai({ baseUrl: `${upstream.url}/v1`, apiKey: 'k', models: ['gpt-4o'] })],
  });
}

test('an upstream answer over 64 MB fails the attempt with 502 api_error naming the provider', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    return flood(res, '{"id":"c","choices":[{"message":{"role":"assistant","content":"', 80);
  });
  const { client } = await proxyTo(t, upstream);
  const params = { model: 'openai,gpt-4o', max_tokens: 16, messages: [user('hi')] };
  const error = await client.messages.create(params).then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof APIError);
  assert.equal(error.status, 502);
  assert.equal((error.error as { error: { type: string } }).error.type, 'api_error');
  assert.match(error.message, /openai.*64 MB/);
});

test('an upstream SSE line over 16 MB without a line end ends the stream with an api_error naming the provider; the proxy keeps serving', async (t) => {
  let call = 0;
  const upstream = await scriptedUpstream(t, (_req, res) => {
    if (++call > 1) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const message = { role: 'assistant', content: 'still here' };
      return void res.end(
        JSON.stringify({ id: 'c', choices: [{ message, finish_reason: 'stop' }] }),
      );
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    return flood(res, 'data: {"id":"c","choices":[{"index":0,"delta":{"content":"', 24);
  });
  const { client } = await proxyTo(t, upstream);
  const params = { model: 'openai,gpt-4o', max_tokens: 16, messages: [user('hi')] };
  const error = await client.messages
    .stream(params)
    .finalMessage()
    .then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
  assert.match(String(error), /api_error/);
  assert.match(String(error), /openai.*over 16 MB/);
  const next = await client.messages.create(params);
  assert.deepEqual(next.content, [{ type: 'text', text: 'still here' }]);
});
