import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { user } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream, sseData } from '../helpers/upstream.ts';
import { chunk, completion } from '../providers/openai/helpers.ts';
import { alive, clientFor, exitOf, openaiEnv, pidFile, runToExit, serverHome } from './helpers.ts';

test('start -d returns once the server answers; status shows it; stop stops it', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, completion({ role: 'assistant', content: 'hello from upstream' })),
  );
  const home = serverHome(t);
  const env = openaiEnv(upstream.url);

  const started = await runToExit(t, { args: ['start', '-d'], cwd: home, env });
  assert.equal(started.code, 0, started.stderr);
  const url = /started in the background: (http:\/\/\S+) \(pid (\d+)\)/.exec(started.stdout)?.[1];
  assert.ok(url, started.stdout);
  assert.match(started.stdout, /log: .*\.ccproxy\/logs\/ccproxy\.log/);
  const record = pidFile(home)!;
  assert.equal(record.url, url);

  const message = await clientFor(url, 'any').messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    messages: [user('hi')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'hello from upstream' }]);

  const status = await runToExit(t, { args: ['status'], cwd: home, env });
  assert.equal(status.code, 0);
  assert.match(status.stdout, /^ccproxy \d+\.\d+\.\d+\S* is running\n/);
  assert.match(status.stdout, new RegExp(`url +${url}`));
  assert.match(status.stdout, new RegExp(`pid +${record.pid} \\(started by start -d\\)`));
  assert.match(status.stdout, /uptime +\d+/);
  const json = await runToExit(t, { args: ['status', '--json'], cwd: home, env });
  const report = JSON.parse(json.stdout);
  assert.equal(report.running, true);
  assert.equal(report.healthy, true);
  assert.equal(report.pid, record.pid);

  const again = await runToExit(t, { args: ['start', '-d'], cwd: home, env });
  assert.equal(again.code, 0);
  assert.match(again.stderr, /already running/);

  const stopped = await runToExit(t, { args: ['stop'], cwd: home, env });
  assert.equal(stopped.code, 0);
  assert.match(stopped.stdout, /stopped\n$/);
  assert.equal(alive(record.pid), false);
  assert.equal(pidFile(home), undefined);
  const after = await runToExit(t, { args: ['status'], cwd: home, env });
  assert.equal(after.code, 3);
  assert.equal(after.stdout, 'ccproxy is not running\n');
});

test('a PID file whose process is gone is reported as stale and replaced by start -d', async (t) => {
  const home = serverHome(t);
  const env = openaiEnv('http://127.0.0.1:9');
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  mkdirSync(join(home, '.ccproxy'));
  const record = { pid: gone, url: 'http://127.0.0.1:1', startedAt: new Date().toISOString() };
  writeFileSync(join(home, '.ccproxy', 'server.json'), JSON.stringify(record));

  const status = await runToExit(t, { args: ['status'], cwd: home, env });
  assert.equal(status.code, 3);
  assert.match(status.stdout, new RegExp(`names pid ${gone}, which is gone`));
  const started = await runToExit(t, { args: ['start', '-d'], cwd: home, env });
  assert.equal(started.code, 0, started.stderr);
  assert.notEqual(pidFile(home)?.pid, gone);
  const stopped = await runToExit(t, { args: ['stop'], cwd: home, env });
  assert.equal(stopped.code, 0);
  const again = await runToExit(t, { args: ['stop'], cwd: home, env });
  assert.equal(again.stdout, 'ccproxy is not running\n');
});

test('start -d fails with the reason and the log path when the server cannot start', async (t) => {
  const taken = createServer().listen(0, '127.0.0.1');
  t.after(() => taken.close());
  await new Promise((resolve) => taken.once('listening', resolve));
  const port = (taken.address() as { port: number }).port;
  const home = serverHome(t);

  const started = await runToExit(t, {
    args: ['start', '-d', '--port', String(port)],
    cwd: home,
    env: openaiEnv('http://127.0.0.1:9'),
  });
  assert.equal(started.code, 1);
  assert.match(
    started.stderr,
    /^ccproxy: the background server exited \(code 1\) before it was ready/,
  );
  assert.match(started.stderr, /EADDRINUSE/);
  assert.match(started.stderr, /log: .*\.ccproxy\/logs\/ccproxy\.log\n$/);
  assert.equal(existsSync(join(home, '.ccproxy', 'server.json')), false);
});

test('stop lets an open stream finish before the server exits', async (t) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const upstream = await scriptedUpstream(t, async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sseData(chunk({ role: 'assistant', content: 'first half, ' })));
    await released;
    res.end(sseData(chunk({ content: 'second half' }, 'stop')) + 'data: [DONE]\n\n');
  });
  const home = serverHome(t);
  const env = openaiEnv(upstream.url);
  await runToExit(t, { args: ['start', '-d'], cwd: home, env });
  const { url, pid } = pidFile(home)!;
  const stream = clientFor(url, 'any').messages.stream({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    messages: [user('hi')],
  });
  await new Promise<void>((resolve) => stream.once('text', () => resolve()));

  const stopping = runToExit(t, { args: ['stop'], cwd: home, env });
  // The server stops listening at once, but keeps the open stream going.
  while (
    await fetch(`${url}/health`).then(
      () => true,
      () => false,
    )
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(alive(pid), true);
  release();

  const message = await stream.finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'first half, second half' }]);
  const stopped = await stopping;
  assert.equal(stopped.code, 0);
  assert.match(stopped.stdout, /stopped\n$/);
  await exitOf(pid);
});
