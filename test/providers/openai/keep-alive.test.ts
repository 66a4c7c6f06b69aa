import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { user } from '../../helpers/proxy.ts';
import { sseData } from '../../helpers/upstream.ts';
import { chunk, setup, usageChunk } from './helpers.ts';

const CHUNKS = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Hi' }, 'stop'),
  usageChunk(5, 1),
];

test('streamed answers leave their upstream connection open for the next request', async (t) => {
  const sockets = new Set<Socket>();
  let ended = Promise.resolve();
  const { proxy } = await setup(t, (_req, res, http) => {
    sockets.add(http.socket);
    ended = new Promise((resolve) => res.once('close', resolve));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(CHUNKS.map((c) => sseData(c)).join('') + 'data: [DONE]\n\n');
    // Servers often end the chunked body a moment after `[DONE]`: the proxy must wait for it
    // rather than cut the connection.
    setTimeout(() => res.end(), 20);
  });
  for (let i = 0; i < 3; i++) {
    const message = await proxy.client.messages
      .stream({ model: 'gpt-4o', max_tokens: 16, messages: [user('hi')] })
      .finalMessage();
    assert.deepEqual(message.content, [{ type: 'text', text: 'Hi' }]);
    await ended; // the next request starts once the upstream has finished this answer
  }
  // A new connection per stream costs a TCP (and, to a real vendor, a TLS) handshake each time.
  assert.equal(sockets.size, 1);
});
