import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { calcPrice } from '@pydantic/genai-prices';
import Database from 'better-sqlite3';
import { user } from '../helpers/proxy.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { completion, openaiReply } from '../providers/openai/helpers.ts';
import { clientFor, openaiEnv, ROOT, runCli, runToExit, tempDir } from './helpers.ts';

const run = promisify(execFile);
// JOBS: node-gyp compiles better-sqlite3 (no prebuilt binary offline) on every core.
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund'], { cwd, env: { JOBS: 'max', ...process.env } });

// What a user installs from the registry is the packed tarball, not the clone: the bin must run
// from it alone (compiled JavaScript, no devDependency, no file outside `files`). Packed and
// installed once for every test here.
const dir = mkdtempSync(join(tmpdir(), 'ccproxy-pack-'));
const project = join(dir, 'project');
let bin = '';
before(async () => {
  const { stdout: packed } = await npm(['pack', '--pack-destination', dir, '--silent'], ROOT);
  const tarball = join(dir, packed.trim().split('\n').pop()!);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "uses-ccproxy", "private": true }\n');
  await npm(['install', tarball, '--prefer-offline', '--omit=dev'], project);
  const { name } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string };
  bin = join(project, 'node_modules', name, 'bin', 'ccproxy.js');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the packed tarball installs elsewhere and runs: npx ccproxy --version, a start and an answer', async (t) => {
  const { stdout: version } = await run('npx', ['--no-install', 'ccproxy', '--version'], {
    cwd: project,
    env: process.env,
  });
  assert.match(version, /^\d+\.\d+\.\d+\n$/);

  const upstream = await scriptedUpstream(
    t,
    openaiReply([], completion({ content: 'from the tarball' })),
  );
  const cli = runCli(t, { bin, cwd: project, env: openaiEnv(upstream.url) });
  const message = await clientFor(await cli.listening()).messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    messages: [user('hi')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'from the tarball' }]);

  // The package prices from the catalog its build wrote out as JSON: the same price as the
  // pricing package's own module gives here. SIGTERM writes the queued row before exiting.
  cli.child.kill('SIGTERM');
  await cli.exited;
  const db = new Database(join(project, '.ccproxy', 'ccproxy.db'), { readonly: true });
  t.after(() => db.close());
  const row = db.prepare('SELECT provider, model, cost_usd FROM requests').get() as {
    provider: string;
    model: string;
    cost_usd: number | null;
  };
  const usage = { input_tokens: 20, output_tokens: 5 };
  const price = calcPrice(usage, row.model, { providerId: row.provider })!.total_price;
  assert.ok(price > 0);
  assert.equal(row.cost_usd?.toFixed(12), price.toFixed(12));
});

test('installed, no config: the cockpit answers from the package alone: /health, the built web UI and its script, /metrics', async (t) => {
  const home = tempDir(t);
  const cli = runCli(t, { bin, cwd: tempDir(t), env: { HOME: home } });
  const url = await cli.listening();

  const health = await fetch(`${url}/health`);
  assert.equal(((await health.json()) as { status: string }).status, 'ok');

  // The UI ships built inside the package: the page, not the 503 "run npm run build:ui" one.
  const page = await fetch(`${url}/ui/`);
  assert.equal(page.status, 200);
  const html = await page.text();
  const script = /<script type="module"[^>]* src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, html);
  const asset = await fetch(`${url}${script}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type') ?? '', /javascript/);

  const metrics = await fetch(`${url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^# TYPE ccproxy_\w+/m);
});

// A config as README shows it, importing 'ccproxy' and 'ccproxy/plugins', from folders where no
// node_modules holds either: the installed ccproxy resolves them to itself.
const config = (upstream: string, provider: string) => `import { defineConfig } from 'ccproxy';
import { modelMap, openai } from 'ccproxy/plugins';

const name: string = '${provider}';
export default defineConfig({
  server: { port: 0 },
  plugins: [
    openai({ name, baseUrl: '${upstream}/v1', apiKey: 'sk-up' }),
    modelMap({ big: name + ',m', middle: name + ',m', small: name + ',m' }),
  ],
});
`;

for (const c of [
  { name: '~/.ccproxy/ccproxy.config.ts', folder: '.ccproxy', file: 'ccproxy.config.ts', args: [] },
  {
    name: 'a config in a bare folder given with --config',
    folder: 'bare',
    file: 'team.config.ts',
    args: ['--config'],
  },
]) {
  test(`installed: ${c.name} importing ccproxy loads, the working directory elsewhere`, async (t) => {
    const upstream = await scriptedUpstream(
      t,
      openaiReply([], completion({ content: 'configured' })),
    );
    const home = tempDir(t);
    mkdirSync(join(home, c.folder));
    const file = join(home, c.folder, c.file);
    writeFileSync(file, config(upstream.url, 'acme'));
    const args = c.args.length ? [...c.args, file] : [];
    const cli = runCli(t, { bin, args, cwd: tempDir(t), env: { HOME: home } });
    const url = await cli.listening();
    assert.match(cli.stdout(), /providers:\n {2}acme/);
    const message = await clientFor(url).messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      messages: [user('hi')],
    });
    assert.deepEqual(message.content, [{ type: 'text', text: 'configured' }]);
    assert.equal(upstream.requests[0]!.body.model, 'm');
  });
}

test('installed: a config that throws exits 1 naming its file and line, no stack', async (t) => {
  const folder = tempDir(t);
  const source = `import { defineConfig } from 'ccproxy';\nthrow new Error('no key for acme');\nexport default defineConfig({});\n`;
  writeFileSync(join(folder, 'ccproxy.config.ts'), source);
  const { code, stderr } = await runToExit(t, { bin, cwd: folder });
  assert.equal(code, 1);
  assert.equal(stderr, 'ccproxy: ccproxy.config.ts:2:7: no key for acme\n');
});
