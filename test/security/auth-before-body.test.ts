import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { admin, auth } from '../../plugins/index.ts';
import { liveProxy } from '../plugins/live/helpers.ts';
import { runCli } from '../cli/helpers.ts';
import { fakeProvider, textStream } from '../helpers/events.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { rawSocket, received } from './sockets.ts';

const KEY = 'sk-team-0123456789abcdef';
const MB = 1024 * 1024;

/** Request headers announcing a `length`-byte body that is never sent. */
const head = (path: string, length: number, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}Content-Length: ${length}\r\n\r\n`;

async function guardedProxy(t: Parameters<typeof startTestProxy>[0]) {
  const provider = fakeProvider('p', () => textStream('ok'), ['m']);
  return startTestProxy(t, { plugins: [auth({ keys: [KEY] }), provider.plugin] });
}

for (const c of [
  { name: '/v1/messages', path: '/v1/messages', extra: '' },
  { name: 'a gzip body (the Koa path)', path: '/v1/messages', extra: 'Content-Encoding: gzip\r\n' },
  { name: 'count_tokens', path: '/v1/messages/count_tokens', extra: '' },
  { name: '/api/route/explain', path: '/api/route/explain', extra: '' },
]) {
  test(
    `an unauthenticated ${c.name} request gets its 401 on headers alone, and the connection closes`,
    { timeout: 30_000 },
    async (t) => {
      const { url } = await guardedProxy(t);
      const socket = await rawSocket(url);
      const answer = received(socket);
      // 30 MB announced, not one byte sent: the answer cannot depend on the body.
      socket.write(head(c.path, 30 * MB, c.extra));
      const text = await answer;
      assert.match(text, /^HTTP\/1\.1 401 /);
      assert.match(text, /"type":"authentication_error"/);
      assert.match(text, /connection: close/i);
    },
  );
}

for (const [method, path] of [
  ['PUT', '/api/switch'],
  ['POST', '/api/providers'],
  ['PUT', '/api/providers/a'],
] as const) {
  test(
    `an admin ${method} ${path} without the admin key is refused before its body is read`,
    { timeout: 30_000 },
    async (t) => {
      const { url } = await liveProxy(t, { extra: [admin({ keys: ['sk-admin-0123456789'] })] });
      const socket = await rawSocket(url);
      const answer = received(socket);
      // 30 MB announced, not one byte sent: a guard running after the body would never answer.
      socket.write(head(path, 30 * MB).replace('POST', method));
      const text = await answer;
      assert.match(text, /^HTTP\/1\.1 401 /);
      assert.match(text, /"type":"authentication_error"[^]*Missing admin key/);
    },
  );
}

test(
  'a wrong key is refused on headers alone too; the right key is served',
  { timeout: 30_000 },
  async (t) => {
    const { url, client } = await guardedProxy(t);
    const socket = await rawSocket(url);
    const answer = received(socket);
    socket.write(head('/v1/messages', 30 * MB, 'x-api-key: sk-team-wrong\r\n'));
    assert.match(await answer, /^HTTP\/1\.1 401 [^]*Invalid API key/);
    const served = await client.withOptions({ apiKey: KEY }).messages.create({
      model: 'm',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.deepEqual(served.content, [{ type: 'text', text: 'ok' }]);
  },
);

test(
  'telemetry batches: a small one is accepted, a large one refused from its announced length',
  { timeout: 30_000 },
  async (t) => {
    const { url } = await guardedProxy(t);
    const small = await fetch(`${url}/api/event_logging/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ event_type: 'x' }] }),
    });
    assert.equal(small.status, 200);
    assert.deepEqual(await small.json(), {});
    const socket = await rawSocket(url);
    const answer = received(socket);
    socket.write(head('/api/event_logging/batch', 30 * MB));
    assert.match(await answer, /^HTTP\/1\.1 413 [^]*"type":"request_too_large"/);
    // Sent chunked, without a length: refused once past the limit, not read to its end.
    const chunked = await rawSocket(url);
    const chunkedAnswer = received(chunked);
    chunked.write(
      'POST /api/event_logging/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const piece = Buffer.alloc(256 * 1024, 'a');
    for (let i = 0; i < 8 && !chunked.destroyed; i++) {
      chunked.write(`${piece.length.toString(16)}\r\n`);
      chunked.write(piece);
      chunked.write('\r\n');
    }
    assert.match(await chunkedAnswer, /^HTTP\/1\.1 413 /);
  },
);

/** Peak resident memory of a process, in MB (Linux). */
const peakRssMb = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Sends `count` bodies of `size` bytes in parallel, each whole, and collects the status lines. */
async function flood(url: string, path: string, count: number, size: number): Promise<string[]> {
  const body = Buffer.alloc(size, ' '); // one buffer shared by every client: the test's own memory stays small
  return Promise.all(
    Array.from({ length: count }, async () => {
      const socket = await rawSocket(url);
      const answer = received(socket);
      socket.write(head(path, size));
      socket.write(body);
      return (await answer).split('\r\n')[0]!;
    }),
  );
}

test(
  "sixteen unauthenticated 30 MB bodies in parallel leave the proxy's memory flat",
  { timeout: 120_000, skip: process.platform !== 'linux' && 'reads /proc' },
  async (t) => {
    const upstream = await scriptedUpstream(t, () => {});
    const cli = runCli(t, {
      env: {
        OPENAI_API_KEY: 'sk-upstream',
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        ANTHROPIC_API_KEY: KEY,
        PORT: '0',
      },
    });
    const url = await cli.listening();
    const pid = cli.child.pid!;
    const before = peakRssMb(pid);
    const messages = await flood(url, '/v1/messages', 16, 30 * MB);
    const telemetry = await flood(url, '/api/event_logging/batch', 16, 30 * MB);
    const after = peakRssMb(pid);
    t.diagnostic(
      `peak RSS before ${before.toFixed(0)} MB, after 2 × 16 × 30 MB bodies ${after.toFixed(0)} MB`,
    );
    // Each is refused: with its status, or a reset when the proxy closes on a client still sending.
    const refused = (status: string) => (line: string) => line.includes(` ${status} `) || !line;
    assert.ok(messages.every(refused('401')), messages.join('; '));
    assert.ok(telemetry.every(refused('413')), telemetry.join('; '));
    assert.ok(messages.some((line) => line.includes(' 401 ')));
    // 480 MB were sent to each route; a proxy reading them before refusing peaks hundreds of MB up.
    assert.ok(after - before < 100, `peak RSS grew by ${(after - before).toFixed(0)} MB`);
  },
);

test(
  'a refused request with a small body keeps its connection: the next request on it is served',
  { timeout: 30_000 },
  async (t) => {
    const { url } = await guardedProxy(t);
    const socket = await rawSocket(url);
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    const body = JSON.stringify({
      model: 'm',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });
    socket.write(head('/v1/messages', Buffer.byteLength(body)) + body);
    socket.write(head('/v1/messages', Buffer.byteLength(body), `x-api-key: ${KEY}\r\n`) + body);
    await new Promise<void>((resolve) =>
      socket.on('data', () => /"text":"ok"/.test(text) && resolve()),
    );
    assert.match(text, /^HTTP\/1\.1 401 [^]*HTTP\/1\.1 200 /);
    socket.destroy();
  },
);
