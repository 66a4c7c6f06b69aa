import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeProvider, textStream } from '../helpers/events.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import { closedByServer, rawSocket, received } from './sockets.ts';

const LIMITS = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300 };
const POST_HEAD = (length: number) =>
  `POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

test(
  'slow-header, slow-body and idle clients are closed while a long stream and new requests are served',
  { timeout: 60_000 },
  async (t) => {
    let release!: () => void;
    const attackersGone = new Promise<void>((resolve) => (release = resolve));
    // The streamed answer waits for every attacker to be closed: it lasts longer than any timeout.
    const provider = fakeProvider('p', async function* (_ctx, request) {
      if (!request.stream) return yield* textStream('short answer');
      const [start, ...rest] = textStream('long answer');
      yield start!;
      await attackersGone;
      yield* rest;
    });
    const { url, client } = await startTestProxy(t, {
      plugins: [provider.plugin],
      server: { limits: LIMITS },
    });
    const stream = client.messages
      .stream({ model: 'm', max_tokens: 8, messages: [user('hi')] })
      .finalMessage();

    const slowHeaders = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const socket = await rawSocket(url);
        socket.write('POST /v1/messages HTTP/1.1\r\nHost: x\r\n'); // and never the end of the headers
        return socket;
      }),
    );
    const slowBodies = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const socket = await rawSocket(url);
        socket.write(POST_HEAD(1000) + '{"model":'); // 9 of 1000 bytes, then nothing
        return socket;
      }),
    );
    const idle = await Promise.all(Array.from({ length: 100 }, () => rawSocket(url)));
    const attackers = [...slowHeaders, ...slowBodies, ...idle];
    await Promise.all(attackers.map(closedByServer));
    // Every attacker is gone, none was answered with a model's output.
    assert.ok(attackers.every((s) => s.readableEnded || s.destroyed));

    const fresh = await client.messages.create({
      model: 'm',
      max_tokens: 8,
      messages: [user('hi')],
    });
    assert.deepEqual(fresh.content, [{ type: 'text', text: 'short answer' }]);
    release();
    const long = await stream;
    assert.deepEqual(long.content, [{ type: 'text', text: 'long answer' }]);
  },
);

test('an idle keep-alive connection is closed after its answer', { timeout: 60_000 }, async (t) => {
  const provider = fakeProvider('p', () => textStream('ok'));
  const { url } = await startTestProxy(t, {
    plugins: [provider.plugin],
    server: { limits: LIMITS },
  });
  const socket = await rawSocket(url);
  const body = JSON.stringify({ model: 'm', max_tokens: 8, messages: [user('hi')] });
  const answer = received(socket);
  socket.write(POST_HEAD(Buffer.byteLength(body)) + body);
  // The server answers, keeps the connection for the next request, then closes it once idle.
  assert.match(await answer, /^HTTP\/1\.1 200 OK/);
  assert.match(await answer, /"text":"ok"/);
});

test(
  'connections past maxConnections are refused; requests are served again once they go',
  { timeout: 60_000 },
  async (t) => {
    const provider = fakeProvider('p', () => textStream('ok'));
    const { url, client } = await startTestProxy(t, {
      plugins: [provider.plugin],
      // Timeouts long enough that no held connection goes before the extra one is refused, even
      // on a loaded machine.
      server: { limits: { headersTimeoutMs: 5000, requestTimeoutMs: 10_000, maxConnections: 20 } },
    });
    const held = await Promise.all(Array.from({ length: 20 }, () => rawSocket(url)));
    const extra = await rawSocket(url);
    const extraAnswer = received(extra);
    extra.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    // Closed unanswered while 20 connections are open.
    assert.equal(await extraAnswer, '');
    await Promise.all(held.map(closedByServer));
    const answer = await client.messages.create({
      model: 'm',
      max_tokens: 8,
      messages: [user('hi')],
    });
    assert.deepEqual(answer.content, [{ type: 'text', text: 'ok' }]);
  },
);
