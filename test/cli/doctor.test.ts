import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { testedClaudeVersions } from '../../cli/claude-versions.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { completion, openaiReply } from '../providers/openai/helpers.ts';
import { closedPort, runToExit, tempDir, writeConfig } from './helpers.ts';

/** A `claude` that only knows `--version`, as the real one prints it. */
function fakeClaude(dir: string, version: string): string {
  const file = join(dir, 'claude');
  writeFileSync(file, `#!/bin/sh\necho "${version} (Claude Code)"\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A port held by something that is not ccproxy, released at the end of the test. */
async function heldPort(t: TestContext): Promise<number> {
  const holder = createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  t.after(() => void holder.close());
  return (holder.address() as AddressInfo).port;
}

const line = (out: string, name: string) =>
  out.split('\n').find((l) => l.slice(2).startsWith(`${name} `)) ?? `(no ${name} line)`;

test('doctor on a good setup: every check passes, each provider answers a one-token call', async (t) => {
  const upstream = await scriptedUpstream(
    t,
    openaiReply([], completion({ role: 'assistant', content: 'OK' })),
  );
  const home = tempDir(t);
  const port = await closedPort();
  writeConfig(
    home,
    `{ storage: false, server: { port: ${port} }, plugins: [
      p.openai({ baseUrl: '${upstream.url}/v1', apiKey: 'sk-up' }),
      p.modelMap({ big: 'openai,gpt-4o', middle: 'openai,gpt-4o', small: 'openai,gpt-4o-mini' }),
      p.cockpit({ ui: false }),
    ] }`,
  );
  // What `ccproxy export claude-settings` writes: claude pointed at this ccproxy.
  mkdirSync(join(home, '.claude'));
  const settings = {
    env: { ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`, ANTHROPIC_AUTH_TOKEN: 'x' },
  };
  writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify(settings));
  const run = await runToExit(t, {
    args: ['doctor'],
    cwd: home,
    env: { CCPROXY_CLAUDE: fakeClaude(home, testedClaudeVersions[0]!) },
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(
    line(run.stdout, 'claude settings'),
    /^✓ claude settings +\S+: env points claude at this ccproxy$/,
  );
  assert.match(line(run.stdout, 'port'), new RegExp(`^✓ port +127\\.0\\.0\\.1:${port} is free$`));
  assert.doesNotMatch(run.stdout, /^[✗!]/m);
  assert.match(line(run.stdout, 'config'), /^✓ config +\S*ccproxy\.config\.ts$/);
  assert.match(line(run.stdout, 'storage'), /^✓ storage +\w+: reachable$/);
  assert.match(
    line(run.stdout, 'provider openai'),
    /^✓ provider openai +openai,gpt-4o answered in \d+ ms$/,
  );
  assert.equal(upstream.requests[0]?.body.max_tokens, 1, 'a one-token call');
  assert.match(
    line(run.stdout, 'claude code'),
    new RegExp(`^✓ claude code +${testedClaudeVersions[0]} \\(tested\\)$`),
  );
});

test('doctor on a broken setup: each failure on its line with what to do, exit 1', async (t) => {
  const home = tempDir(t);
  const closed = await closedPort(); // the provider's: nothing listens there
  const port = await heldPort(t);
  writeConfig(
    home,
    `{ storage: false, server: { port: ${port} }, plugins: [
      p.openai({ baseUrl: 'http://127.0.0.1:${closed}/v1', apiKey: 'sk-up', models: ['gpt-4o'] }),
    ] }`,
  );
  mkdirSync(join(home, '.claude'));
  writeFileSync(
    join(home, '.claude', 'settings.json'),
    JSON.stringify({ env: { ANTHROPIC_BASE_URL: 'https://elsewhere.example' } }),
  );
  const run = await runToExit(t, {
    args: ['doctor'],
    cwd: home,
    env: { CCPROXY_CLAUDE: fakeClaude(home, '2.0.1') },
  });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(line(run.stdout, 'provider openai'), /^✗ provider openai +openai,gpt-4o: /);
  assert.match(
    run.stdout,
    /^✗ provider openai.*\n {4}fix: check its baseUrl, its key and the model name$/m,
  );
  assert.match(
    line(run.stdout, 'port'),
    new RegExp(`^✗ port +127\\.0\\.0\\.1:${port}: EADDRINUSE, not by ccproxy$`),
  );
  assert.match(
    line(run.stdout, 'storage'),
    /^! storage +none: usage, cost and history are not kept$/,
  );
  assert.match(
    line(run.stdout, 'claude code'),
    /^! claude code +2\.0\.1 is not among the tested releases/,
  );
  assert.match(
    run.stdout,
    /^✗ claude settings +\S+settings\.json sets ANTHROPIC_BASE_URL in env, which beats what ccproxy code sets\n {4}fix: remove ANTHROPIC_BASE_URL from its env$/m,
  );
});

test('doctor with a config that does not load names the file and the place, exit 1', async (t) => {
  const home = tempDir(t);
  writeConfig(home, `{ plugins: [p.openai({ baseUrl: 42 })] }`);
  const run = await runToExit(t, {
    args: ['doctor'],
    cwd: home,
    env: { CCPROXY_CLAUDE: 'nowhere' },
  });
  assert.equal(run.code, 1);
  assert.match(line(run.stdout, 'config'), /^✗ config +\S*ccproxy\.config\.ts: .*baseUrl/);
  assert.match(line(run.stdout, 'claude code'), /^! claude code +nowhere: not found$/);
});
