import assert from 'node:assert/strict';
import { test } from 'node:test';
import { user } from '../helpers/proxy.ts';
import { scriptedUpstream, sseData } from '../helpers/upstream.ts';
import { chunk } from '../providers/openai/helpers.ts';
import { clientFor, openaiEnv, runCli, runToExit } from './helpers.ts';

// Nothing listens on port 9 (discard): these start-ups never reach an upstream.
const nowhere = openaiEnv('http://127.0.0.1:9');

test('--host 0.0.0.0 with no client key refuses to start, naming both ways out', async (t) => {
  const { code, stderr } = await runToExit(t, {
    args: ['--host', '0.0.0.0'],
    env: nowhere,
  });
  assert.equal(code, 1);
  assert.match(
    stderr,
    /^ccproxy: environment: plugins \(auth\): server\.host "0\.0\.0\.0" is not loopback and auth has no keys; set keys, or allowOpen to serve anyone/,
  );
});

// Tests bind loopback only: a documentation address (TEST-NET-1, RFC 5737) is not on this machine,
// so passing the open-host check shows as a listen error rather than a public socket.
for (const c of [
  { name: 'a client key', args: [], env: { ANTHROPIC_API_KEY: 'secret' } },
  { name: '--allow-open', args: ['--allow-open'], env: {} },
  { name: 'CCPROXY_ALLOW_OPEN=1', args: [], env: { CCPROXY_ALLOW_OPEN: '1' } },
]) {
  test(`a non-loopback host is accepted with ${c.name}`, async (t) => {
    const { code, stderr } = await runToExit(t, {
      args: ['--host', '192.0.2.1', ...c.args],
      env: { ...nowhere, ...c.env },
    });
    assert.equal(code, 1);
    assert.match(stderr, /^ccproxy: cannot listen: listen EADDRNOTAVAIL.* 192\.0\.2\.1/);
  });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: graceful shutdown lets an open stream finish, then exits 0`, async (t) => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const upstream = await scriptedUpstream(t, async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseData(chunk({ role: 'assistant', content: 'first half, ' })));
      await released;
      res.end(sseData(chunk({ content: 'second half' }, 'stop')) + 'data: [DONE]\n\n');
    });
    const cli = runCli(t, { env: openaiEnv(upstream.url) });
    const stream = clientFor(await cli.listening()).messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [user('hi')],
    });
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));

    cli.child.kill(signal);
    await cli.waitFor('stdout', /shutting down/);
    release();

    const message = await stream.finalMessage();
    assert.deepEqual(message.content, [{ type: 'text', text: 'first half, second half' }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(await cli.exited, 0);
  });
}
