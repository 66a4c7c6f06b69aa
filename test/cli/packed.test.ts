import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { user } from '../helpers/proxy.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { completion, openaiReply } from '../providers/openai/helpers.ts';
import { clientFor, openaiEnv, ROOT, runCli, tempDir } from './helpers.ts';

const run = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund'], { cwd, env: process.env });

// What a user installs from the registry is the packed tarball, not the clone: the bin must run
// from it alone (no devDependency, no file outside `files`).
test('the packed tarball installs elsewhere and runs: npx ccproxy --version, a start and an answer', async (t) => {
  const dir = tempDir(t, 'ccproxy-pack-');
  const { stdout: packed } = await npm(['pack', '--pack-destination', dir, '--silent'], ROOT);
  const tarball = join(dir, packed.trim().split('\n').pop()!);
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "uses-ccproxy", "private": true }\n');
  await npm(['install', tarball, '--prefer-offline', '--omit=dev'], project);

  const { stdout: version } = await run('npx', ['--no-install', 'ccproxy', '--version'], {
    cwd: project,
    env: process.env,
  });
  assert.match(version, /^\d+\.\d+\.\d+\n$/);

  const upstream = await scriptedUpstream(
    t,
    openaiReply([], completion({ content: 'from the tarball' })),
  );
  const cli = runCli(t, {
    bin: join(project, 'node_modules', 'ccproxy', 'bin', 'ccproxy.js'),
    cwd: project,
    env: openaiEnv(upstream.url),
  });
  const message = await clientFor(await cli.listening()).messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    messages: [user('hi')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'from the tarball' }]);
});
