import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { runToExit, tempDir } from './helpers.ts';

// What Claude Code writes on the statusline command's stdin (trimmed).
const claudeStatus = JSON.stringify({
  session_id: 'session-1',
  model: { id: 'claude-opus-4-6', display_name: 'Opus' },
  cost: { total_cost_usd: 0.52 },
});

const figures = {
  requested_model: 'claude-opus-4-6',
  routed: 'openai,gpt-4o',
  cost_usd: 0.0123,
  saved_usd: 0.21,
  budget: { left_usd: 4.99 },
  fallback: true,
};

test("statusline prints the server's figures for the session on one line", async (t) => {
  const server = await scriptedUpstream(t, (_req, res) => replyJson(res, 200, figures));
  // A generous wait: the first request of a process on a loaded test machine may take longer
  // than the default 150 ms, which the server-down test below exercises.
  const env = { ANTHROPIC_BASE_URL: server.url, CCPROXY_STATUSLINE_TIMEOUT_MS: '10000' };
  const run = await runToExit(t, {
    args: ['statusline'],
    env: { ...env, NO_COLOR: '1' },
    input: claudeStatus,
  });
  assert.equal(run.code, 0);
  assert.equal(
    run.stdout,
    'claude-opus-4-6 → openai,gpt-4o · $0.0123 · saved $0.2100 · $4.9900 budget left · ⚠ fallback\n',
  );
  assert.equal(server.requests[0]?.url, '/api/statusline?session=session-1');

  const coloured = await runToExit(t, {
    args: ['statusline'],
    env,
    input: claudeStatus,
  });
  assert.ok(coloured.stdout.startsWith('\x1b[36mclaude-opus-4-6 → openai,gpt-4o\x1b[0m · '));
  assert.ok(coloured.stdout.endsWith('\x1b[31m⚠ fallback\x1b[0m\n'));
});

test('statusline with the server down, silent or absent prints a short line and exits 0', async (t) => {
  const silent = createServer(() => {}).listen(0, '127.0.0.1');
  t.after(() => void silent.close());
  await new Promise((resolve) => silent.once('listening', resolve));
  const hangs = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  for (const c of [
    { name: 'nothing listening', env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } },
    { name: 'a server that never answers', env: { ANTHROPIC_BASE_URL: hangs } },
  ]) {
    const run = await runToExit(t, {
      args: ['statusline'],
      env: { ...c.env, NO_COLOR: '1' },
      input: claudeStatus,
    });
    assert.equal(run.code, 0, c.name);
    assert.equal(run.stdout, 'Opus · ccproxy: no answer\n', c.name);
  }
  const none = await runToExit(t, { args: ['statusline'], env: { NO_COLOR: '1' }, input: '' });
  assert.equal(none.code, 0);
  assert.equal(none.stdout, 'ccproxy: not running\n');
});

test('statusline install adds the statusLine after a backup, and a second run changes nothing', async (t) => {
  const home = tempDir(t);
  const settingsDir = join(home, '.claude');
  mkdirSync(settingsDir);
  const original = `${JSON.stringify({ env: { DISABLE_TELEMETRY: '1' } }, null, 2)}\n`;
  writeFileSync(join(settingsDir, 'settings.json'), original);

  const first = await runToExit(t, { args: ['statusline', 'install'], cwd: home });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^backup: .*settings\.json\..*\.bak\nadded a statusLine in /);
  const settings = JSON.parse(readFileSync(join(settingsDir, 'settings.json'), 'utf8'));
  assert.deepEqual(settings.env, { DISABLE_TELEMETRY: '1' });
  assert.equal(settings.statusLine.type, 'command');
  // The CLI as this test ran it (its sources through tsx; the bin, once installed).
  assert.match(settings.statusLine.command, /(ccproxy\.js|cli\/main\.ts)" statusline$/);
  const backups = readdirSync(settingsDir).filter((name) => name.endsWith('.bak'));
  assert.equal(backups.length, 1);
  assert.equal(readFileSync(join(settingsDir, backups[0]!), 'utf8'), original);

  const second = await runToExit(t, { args: ['statusline', 'install'], cwd: home });
  assert.equal(second.code, 0);
  assert.match(second.stdout, /^already installed in /);
  assert.equal(readdirSync(settingsDir).filter((name) => name.endsWith('.bak')).length, 1);
});
