import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';

import { user } from '../../helpers/proxy.ts';
import { replySse, scriptedUpstream, type UpstreamHandler } from '../../helpers/upstream.ts';
import { textStream } from './fake-provider.ts';
import { withFallback } from './setup.ts';

const ERROR_TYPES = new Set(['api_error', 'overloaded_error', 'timeout_error', 'rate_limit_error']);

/** The faults an upstream can commit, served in turn. */
const faults: Record<string, UpstreamHandler> = {
  drop: (_req, _res, http) => void http.socket.destroy(),
  stall: () => new Promise<void>(() => {}),
  garbage: (_req, res) =>
    void res
      .writeHead(200, { 'content-type': 'text/event-stream' })
      .end('data: {"type":"message_st\n\nnot sse at all\n\n'),
  'not-http': (_req, _res, http) => void http.socket.end('HTTP/1.1 ???\r\n\r\n'),
  'reset-mid-stream': async (req, res) => {
    await replySse(res, textStream(req.body.model, ['half an ', 'answer']).slice(0, 3), {
      end: 'hang',
    });
    setImmediate(() => res.destroy());
  },
  'stall-mid-stream': (req, res) =>
    replySse(res, textStream(req.body.model, ['then silence']).slice(0, 3), { end: 'hang' }),
  ok: (req, res) => replySse(res, textStream(req.body.model, ['fine'])),
};

/** Resolves once every socket has closed; rejects naming how many are still open after `ms`. */
async function allClosed(sockets: Iterable<Socket>, ms: number): Promise<void> {
  const open = [...sockets].filter((socket) => !socket.closed);
  const timer = setTimeout(ms).then(() => {
    throw new Error(
      `${open.filter((socket) => !socket.closed).length} of ${open.length} upstream sockets still open`,
    );
  });
  await Promise.race([Promise.all(open.map((socket) => once(socket, 'close'))), timer]);
}

test('fault injection: drops, stalls, garbage and resets under concurrent SDK load all end in an answer or an Anthropic error', async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));

  const kinds = Object.keys(faults);
  let served = 0;
  const sockets = new Set<Socket>();
  const pick: UpstreamHandler = (req, res, http) => {
    sockets.add(http.socket);
    return faults[kinds[served++ % kinds.length]!]!(req, res, http);
  };
  const a = await scriptedUpstream(t, pick);
  const b = await scriptedUpstream(t, pick);
  const proxy = await withFallback(t, a, b, {
    retry: { attempts: 1, baseMs: 5 },
    timeouts: { firstByteMs: 300, idleMs: 300 },
    breaker: false,
  });
  const client = new Anthropic({ baseURL: proxy.url, apiKey: 'k', maxRetries: 0 });
  const one = async (i: number): Promise<string> => {
    const body = { model: 'claude-sonnet-4-6', max_tokens: 16, messages: [user(`request ${i}`)] };
    try {
      const message =
        i % 2
          ? await client.messages.stream(body).finalMessage()
          : await client.messages.create(body);
      return message.content.length ? 'ok' : 'empty';
    } catch (error) {
      const e = error as {
        status?: number;
        error?: { error?: { type?: string } };
        message: string;
      };
      const type = e.error?.error?.type ?? /"type":"(\w+)"/.exec(e.message)?.[1];
      return type && ERROR_TYPES.has(type) ? `error:${type}` : `unexpected:${e.message}`;
    }
  };
  const results: string[] = [];
  const queue = Array.from({ length: 48 }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) results.push(await one(i));
    }),
  );

  assert.equal(results.length, 48);
  assert.deepEqual(
    results.filter((r) => r.startsWith('unexpected') || r === 'empty'),
    [],
  );
  assert.ok(results.includes('ok'), 'some requests were served');
  assert.ok(
    results.some((r) => r.startsWith('error:')),
    'some faults reached the client as Anthropic errors',
  );
  const tally: Record<string, number> = {};
  for (const r of results) tally[r] = (tally[r] ?? 0) + 1;
  t.diagnostic(`outcomes: ${JSON.stringify(tally)}; upstream connections: ${sockets.size}`);
  await proxy.running.close();
  await allClosed(sockets, 2_000); // under the upstream server's 5 s keep-alive: only ccproxy can close them in time
  assert.deepEqual(unhandled, []);
});
