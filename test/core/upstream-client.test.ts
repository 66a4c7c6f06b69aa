import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { ProxyError, callUpstream } from '../../core/index.ts';

/** A node:http server on 127.0.0.1 for one test; it records each request's client port. */
async function server(t: TestContext, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const ports: number[] = [];
  const http = createServer((req, res) => {
    ports.push(req.socket.remotePort!);
    handle(req, res);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  t.after(() => {
    http.closeAllConnections();
    http.close();
  });
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, ports };
}

const call = (url: string, signal = new AbortController().signal) =>
  callUpstream({ url, method: 'GET', headers: {}, signal }, 'test');

test('a large body read slowly arrives whole: the upstream is paused, not buffered without end', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const { url } = await server(t, (_req, res) => {
    res.writeHead(200, { 'x-kind': 'bulk' });
    let sent = 0;
    const more = () => {
      while (sent < 64) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  const response = await call(url);
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['x-kind'], 'bulk');
  let bytes = 0;
  for await (const part of response.body) {
    bytes += part.length;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.equal(bytes, 64 * chunk.length);
});

test('a dumped body gives its connection back to the pool; a destroyed one does not', async (t) => {
  const { url, ports } = await server(t, (req, res) => {
    res.writeHead(200);
    res.write('first part');
    // An answer to be destroyed never ends by itself: on a busy machine a 20 ms end could arrive
    // before the destroy, finishing the response and freeing its connection after all.
    if (req.url === '/open') return;
    setTimeout(() => res.end('last part'), 20);
  });
  for (let i = 0; i < 4; i++) await (await call(url)).body.dump();
  // The pool alternates between two connections: one frees itself as the next request goes out.
  assert.ok(new Set(ports).size <= 2, `dumped: ${ports.join(', ')}`);
  ports.length = 0;
  for (let i = 0; i < 4; i++) (await call(`${url}/open`)).body.destroy();
  assert.equal(new Set(ports).size, 4, `destroyed: ${ports.join(', ')}`);
});

test('an abort before the answer rejects with AbortError; after it, the body read throws', async (t) => {
  const { url } = await server(t, (req, res) => {
    if (req.url === '/late') return void setTimeout(() => res.end('late'), 5_000).unref();
    res.writeHead(200);
    res.write('partial');
  });
  const early = new AbortController();
  const pending = call(`${url}/late`, early.signal);
  early.abort();
  await assert.rejects(pending, { name: 'AbortError' });

  const late = new AbortController();
  const response = await call(url, late.signal);
  const reading = response.body.text();
  late.abort();
  await assert.rejects(reading, { name: 'AbortError' });
});

test('a connection reset mid-body fails the read with a 502 api_error naming the provider', async (t) => {
  const { url } = await server(t, (_req, res) => {
    res.writeHead(200);
    res.write('partial');
    setTimeout(() => res.socket!.destroy(), 10);
  });
  const response = await call(url);
  const error = await response.body.text().then(
    () => assert.fail('the read should fail'),
    (e: unknown) => e,
  );
  assert.ok(ProxyError.is(error));
  assert.equal(error.status, 502);
  assert.equal(error.type, 'api_error');
  assert.match(error.message, /^test: upstream unreachable/);
});

test('a body reaches the upstream as its UTF-8 bytes, ASCII or not (a lone surrogate as U+FFFD)', async (t) => {
  const received: Buffer[] = [];
  const { url } = await server(t, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(Buffer.concat(chunks));
      res.end('ok');
    });
  });
  const bodies = [
    '{"text":"plain ascii"}',
    '{"text":"café 中文 😀"}',
    '{"text":"lone \ud800 half"}',
  ];
  for (const body of bodies) {
    const response = await callUpstream(
      { url, headers: {}, body, signal: new AbortController().signal },
      'test',
    );
    await response.body.dump();
  }
  assert.deepEqual(
    received.map((bytes) => bytes.toString('hex')),
    bodies.map((body) => Buffer.from(body, 'utf8').toString('hex')),
  );
});
