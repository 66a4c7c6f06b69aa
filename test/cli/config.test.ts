import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { user } from '../helpers/proxy.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { completion, openaiReply } from '../providers/openai/helpers.ts';
import { clientFor, ROOT, runCli, runToExit, tempDir, writeConfig } from './helpers.ts';

test('--config: a TypeScript config in another folder is loaded, named in the banner and served', async (t) => {
  const upstream = await scriptedUpstream(
    t,
    openaiReply([], completion({ content: 'from the config' })),
  );
  const dir = tempDir(t);
  writeConfig(
    dir,
    `{ server: { port: 0 }, plugins: [p.openai({ name: 'acme', baseUrl: '${upstream.url}/v1', apiKey: 'sk-acme' }), p.modelMap({ big: 'acme,acme-large', middle: 'acme,acme-large', small: 'acme,acme-small' })] }`,
    'team.config.ts',
  );
  const cli = runCli(t, { args: ['start', '--config', join(dir, 'team.config.ts')] });
  const url = await cli.listening();
  assert.match(cli.stdout(), /config .*team\.config\.ts/);
  assert.match(cli.stdout(), /sonnet → middle: acme,acme-large/);
  const message = await clientFor(url).messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    messages: [user('hi')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'from the config' }]);
  assert.equal(upstream.requests[0]!.body.model, 'acme-large');
});

test('a ccproxy.config.ts in the working directory is found without --config', async (t) => {
  const dir = tempDir(t);
  writeConfig(
    dir,
    `{ server: { port: 0 }, plugins: [p.openai({ name: 'local', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' })] }`,
  );
  const cli = runCli(t, { cwd: dir });
  await cli.listening();
  assert.match(cli.stdout(), /config \S*ccproxy\.config\.ts\n/);
  assert.match(cli.stdout(), /providers:\n {2}local/);
});

test('~/.ccproxy/ccproxy.config.ts importing ccproxy is found from any working directory', async (t) => {
  const home = tempDir(t);
  mkdirSync(join(home, '.ccproxy'));
  writeConfig(
    join(home, '.ccproxy'),
    `{ server: { port: 0 }, plugins: [p.openai({ name: 'homed', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' })] }`,
  );
  const cli = runCli(t, { cwd: tempDir(t), env: { HOME: home } });
  await cli.listening();
  assert.match(cli.stdout(), /config \S*\.ccproxy\/ccproxy\.config\.ts\n/);
  assert.match(cli.stdout(), /providers:\n {2}homed/);
});

// A config that does not compile or throws: its author's file, line and column and the message,
// no stack into ccproxy or Node (LOG_LEVEL=debug adds it).
const header = `import { defineConfig } from 'ccproxy';\n`;
for (const c of [
  {
    name: 'a syntax error',
    source: `${header}export default defineConfig({\n  server: { port: 0,, },\n});\n`,
    message: /^ccproxy: broken\.config\.ts:3:21: Expected identifier but found ","\n$/,
  },
  {
    name: 'an exception',
    source: `${header}\nconst port = (): number => {\n  throw new Error('PORT_FILE is missing');\n};\nexport default defineConfig({ server: { port: port() } });\n`,
    message: /^ccproxy: broken\.config\.ts:4:9: PORT_FILE is missing\n$/,
  },
  {
    name: 'a name ccproxy does not export',
    source: `import { definConfig } from 'ccproxy';\nexport default definConfig({});\n`,
    message:
      /^ccproxy: broken\.config\.ts:1:10: SyntaxError: The requested module 'ccproxy' does not provide an export named 'definConfig'\n$/,
  },
  {
    name: 'an exception in a file it imports',
    source: `${header}import { port } from './lib/port.ts';\nexport default defineConfig({ server: { port: port() } });\n`,
    files: {
      'lib/port.ts': `export function port(): number {\n  const file: string = 'PORT_FILE';\n  throw new Error(\`\${file} is missing\`);\n}\n`,
    },
    message: /^ccproxy: lib\/port\.ts:3:9: PORT_FILE is missing\n$/,
  },
  {
    name: 'a package that is not installed',
    source: `${header}import pad from 'left-pad-nowhere';\nexport default defineConfig({ server: { port: pad } });\n`,
    message: /^ccproxy: broken\.config\.ts:2:17: Could not resolve "left-pad-nowhere"\n$/,
  },
]) {
  test(`a config with ${c.name} exits 1 naming the file, line and column`, async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'broken.config.ts'), c.source);
    for (const [path, text] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const args = ['--config', 'broken.config.ts'];
    const { code, stderr } = await runToExit(t, { cwd: dir, args });
    assert.equal(code, 1);
    assert.match(stderr, c.message);
    const left = readdirSync(dir).filter((name) => name.endsWith('.mjs'));
    assert.deepEqual(left, [], 'the compiled config is removed');
    const debug = await runToExit(t, { cwd: dir, args, env: { LOG_LEVEL: 'debug' } });
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /\n\s+at /, 'LOG_LEVEL=debug: the stack follows');
  });
}

// Each mistake stops start-up with exit code 1 and a message naming the file, the path and what was expected.
const openaiProvider = `p.openai({ name: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' })`;
for (const c of [
  {
    name: 'a wrong type',
    config: `{ server: { port: 'x' }, plugins: [${openaiProvider}] }`,
    message:
      /^ccproxy: \S*ccproxy\.config\.ts: config\.server\.port: expected an? integer, got "x"/,
  },
  {
    name: 'an unknown plugin option',
    config: `{ plugins: [${openaiProvider}, p.modelMap({ bigg: 'openai,gpt-4o' } as never)] }`,
    message:
      /^ccproxy: \S*ccproxy\.config\.ts: plugins \(model-map\): options: unknown option "bigg"; did you mean "big"\?/,
  },
  {
    name: 'a provider the model map names but no plugin configures',
    config: `{ plugins: [${openaiProvider}, p.modelMap({ big: 'opneai,gpt-4o' })] }`,
    message:
      /^ccproxy: \S*ccproxy\.config\.ts: plugins \(model-map\): options\.big: unknown provider "opneai"; did you mean "openai"\?/,
  },
]) {
  test(`a config with ${c.name} stops start-up with file, path and expectation`, async (t) => {
    const dir = tempDir(t);
    writeConfig(dir, c.config);
    const { code, stderr } = await runToExit(t, { cwd: dir });
    assert.equal(code, 1);
    assert.match(stderr, c.message);
    assert.doesNotMatch(stderr, /listening/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'a config mistake is a message, not a stack trace');
  });
}

for (const c of [
  {
    name: 'PORT=abc',
    args: [],
    env: { PORT: 'abc' },
    message: /^ccproxy: PORT: expected an integer from 0 to 65535, got "abc"/,
  },
]) {
  test(`${c.name} exits 1 with a one-line reason`, async (t) => {
    const { code, stderr } = await runToExit(t, {
      args: c.args,
      env: { OPENAI_API_KEY: 'k', ...c.env },
    });
    assert.equal(code, 1);
    assert.match(stderr, c.message);
  });
}

for (const c of [
  {
    name: '--port abc',
    args: ['--port', 'abc'],
    message:
      /^ccproxy: option '-p, --port <port>' argument 'abc' is invalid\. expected an integer from 0 to 65535\./,
    help: /Usage: ccproxy start \[options\]/,
  },
  {
    name: 'an unknown command',
    args: ['strat'],
    message: /^ccproxy: unknown command 'strat'\n\(Did you mean start\?\)/,
    help: /Usage: ccproxy \[options\] \[command\]/,
  },
  {
    name: 'an unknown flag',
    args: ['--prot', '1'],
    message: /^ccproxy: unknown option '--prot'\n\(Did you mean --port\?\)/,
    help: /Usage: ccproxy start \[options\]/,
  },
  {
    name: 'a missing required flag',
    args: ['route'],
    message: /^ccproxy: required option '--explain <file>' not specified/,
    help: /Usage: ccproxy route \[options\]/,
  },
]) {
  test(`bad usage (${c.name}) exits 2 with what was expected and the command's help`, async (t) => {
    const { code, stdout, stderr } = await runToExit(t, { args: c.args });
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, c.message);
    assert.match(stderr, c.help);
  });
}

test('--help lists the commands; each command has its own --help; --version prints the version', async (t) => {
  const help = await runToExit(t, { args: ['--help'] });
  assert.equal(help.code, 0);
  for (const word of ['start', 'route', 'ANTHROPIC_BASE_URL=']) {
    assert.ok(help.stdout.includes(word), `--help mentions ${word}`);
  }
  const startHelp = await runToExit(t, { args: ['start', '--help'] });
  assert.equal(startHelp.code, 0);
  for (const word of ['--config', '--host', '--port', '--allow-open']) {
    assert.ok(startHelp.stdout.includes(word), `start --help mentions ${word}`);
  }
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  const printed = await runToExit(t, { args: ['--version'] });
  assert.equal(printed.code, 0);
  assert.equal(printed.stdout, `${version}\n`);
});
