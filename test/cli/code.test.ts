import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { completion } from '../providers/openai/helpers.ts';
import {
  ROOT,
  alive,
  exitOf,
  openaiEnv,
  pidFile,
  runCli,
  runToExit,
  serverHome,
} from './helpers.ts';

const STAND_IN = join(ROOT, 'test', 'cli', 'fixtures', 'stand-in-claude.mjs');

/** A HOME with a stand-in `claude` first on PATH, and the env a `ccproxy code` test runs with. */
async function setup(t: TestContext) {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, completion({ role: 'assistant', content: 'routed answer' })),
  );
  const home = serverHome(t);
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(STAND_IN, join(bin, 'claude'));
  const env = {
    ...openaiEnv(upstream.url),
    PATH: `${bin}:${process.env.PATH}`,
    STANDIN_DIR: home,
  };
  return { home, env };
}

interface StandInRecord {
  pid: number;
  argv: string[];
  env: Record<string, string | undefined>;
  status: number;
  answer: any;
}

/** What the stand-in named `name` recorded, once it has (it writes after its call answered). */
async function recorded(home: string, name = 'claude'): Promise<StandInRecord> {
  const file = join(home, `${name}.json`);
  while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 50));
  return JSON.parse(readFileSync(file, 'utf8'));
}

test('code runs claude with the base URL and the client key, and passes its exit code through', async (t) => {
  const { home, env } = await setup(t);
  const run = await runToExit(t, {
    args: ['code', '-p', 'hello', '--model', 'opus'],
    cwd: home,
    env: { ...env, ANTHROPIC_API_KEY: 'client-key', STANDIN_EXIT: '7' },
  });
  assert.equal(run.code, 7, run.stderr);
  const standIn = await recorded(home);
  assert.deepEqual(standIn.argv, ['-p', 'hello', '--model', 'opus']);
  assert.match(standIn.env.ANTHROPIC_BASE_URL!, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(standIn.env.ANTHROPIC_AUTH_TOKEN, 'client-key');
  assert.equal(standIn.env.ANTHROPIC_API_KEY, undefined, 'no auth conflict in Claude Code');
  assert.equal(standIn.status, 200);
  assert.deepEqual(standIn.answer.content, [{ type: 'text', text: 'routed answer' }]);
  // The server it started has stopped with the session.
  assert.equal(pidFile(home), undefined);
  const health = await fetch(`${standIn.env.ANTHROPIC_BASE_URL}/health`).catch(() => null);
  assert.equal(health, null);
});

test('two overlapping sessions share one server, which stops when the last one ends', async (t) => {
  const { home, env } = await setup(t);
  const hold = { ...env, STANDIN_HOLD: '1' };
  const a = runCli(t, { args: ['code'], cwd: home, env: { ...hold, STANDIN_NAME: 'a' } });
  const first = await recorded(home, 'a');
  const server = pidFile(home)!;
  assert.equal(server.owner, 'code');
  const b = runCli(t, { args: ['code'], cwd: home, env: { ...hold, STANDIN_NAME: 'b' } });
  const second = await recorded(home, 'b');
  assert.equal(second.env.ANTHROPIC_BASE_URL, first.env.ANTHROPIC_BASE_URL);
  assert.equal(pidFile(home)!.pid, server.pid, 'the second session started no server');

  process.kill(first.pid, 'SIGUSR2');
  assert.equal(await a.exited, 0);
  assert.equal(alive(server.pid), true, 'still in use by the second session');
  assert.equal((await fetch(`${server.url}/health`)).status, 200);

  process.kill(second.pid, 'SIGUSR2');
  assert.equal(await b.exited, 0);
  assert.equal(alive(server.pid), false);
});

test('a crashed session neither keeps the server alive nor stops it early', async (t) => {
  const { home, env } = await setup(t);
  const hold = { ...env, STANDIN_HOLD: '1' };
  const a = runCli(t, { args: ['code'], cwd: home, env: { ...hold, STANDIN_NAME: 'a' } });
  const first = await recorded(home, 'a');
  const server = pidFile(home)!;
  const b = runCli(t, { args: ['code'], cwd: home, env: { ...hold, STANDIN_NAME: 'b' } });
  const second = await recorded(home, 'b');

  // Session a crashes: ccproxy code and its Claude Code are killed, its lease file stays behind.
  a.child.kill('SIGKILL');
  process.kill(first.pid, 'SIGKILL');
  await a.exited;
  await exitOf(first.pid);
  assert.equal(alive(server.pid), true, 'session b still holds it');
  assert.equal((await fetch(`${server.url}/health`)).status, 200);

  // Session b crashes too: no one is left to stop the server, so it stops itself.
  b.child.kill('SIGKILL');
  process.kill(second.pid, 'SIGKILL');
  await exitOf(server.pid);
  assert.equal(pidFile(home), undefined);
});

test('a server started by start -d is left running when the session ends', async (t) => {
  const { home, env } = await setup(t);
  const started = await runToExit(t, { args: ['start', '-d'], cwd: home, env });
  assert.equal(started.code, 0, started.stderr);
  const server = pidFile(home)!;
  const run = await runToExit(t, { args: ['code', '-p', 'hi'], cwd: home, env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal((await recorded(home)).env.ANTHROPIC_BASE_URL, server.url);
  assert.equal(alive(server.pid), true);
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  assert.equal((await runToExit(t, { args: ['stop'], cwd: home, env })).code, 0);
});

test('code without Claude Code installed says how to get it', async (t) => {
  const { home, env } = await setup(t);
  const run = await runToExit(t, {
    args: ['code'],
    cwd: home,
    env: { ...env, CCPROXY_CLAUDE: join(home, 'no-such-claude') },
  });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /no-such-claude: not found; install Claude Code .* or set CCPROXY_CLAUDE/,
  );
  assert.equal(pidFile(home), undefined, 'the server it started is stopped again');
});
