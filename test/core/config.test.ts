import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import {
  ConfigError,
  loadConfig,
  startProxy,
  type ConfigFlags,
  type PluginOption,
  type ResolvedConfig,
} from '../../core/index.ts';
import { fakeProvider, textStream } from '../helpers/events.ts';

// Config files written to temp dirs import ccproxy from this checkout, as a team's config would
// import the installed package.
const CORE = new URL('../../core/index.ts', import.meta.url).href;
const PLUGINS = new URL('../../plugins/index.ts', import.meta.url).href;
const PROVIDER = `openai({ name: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-test' })`;

/** A temp dir holding `files` (path → text), removed after the test. */
async function tempDir(t: TestContext, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ccproxy-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** A config module in ESM, the way `ccproxy init` writes one. */
const typed = (body: string) =>
  `import { defineConfig } from '${CORE}';\nimport { auth, boost, customHeaders, modelMap, openai } from '${PLUGINS}';\nexport default ${body};\n`;

interface Load {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
  fallback?: (env: NodeJS.ProcessEnv) => PluginOption[];
}

/** loadConfig with HOME pointed at `cwd`'s `home/` so that no real `~/.ccproxy/` is ever read. */
const load = (options: Load) =>
  loadConfig({
    cwd: options.cwd,
    env: { HOME: join(options.cwd, 'home'), ...options.env },
    flags: options.flags,
    fallback: options.fallback ?? (() => []),
  });

const rejectsWith = (promise: Promise<unknown>, message: string | RegExp) =>
  assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });

const port = (n: number) => `export default { server: { port: ${n} } };\n`;

test('search order: --config, then the working directory, then ~/.ccproxy/', async (t) => {
  const cwd = await tempDir(t, {
    'ccproxy.config.ts': port(1001),
    'other/team.config.ts': port(1002),
    // No package.json up to here: compiled as CommonJS, as a config in ~/.ccproxy/ is.
    'home/.ccproxy/ccproxy.config.ts': typed('defineConfig({ server: { port: 1003 } })'),
  });
  const flagged = await load({ cwd, flags: { config: 'other/team.config.ts' } });
  assert.deepEqual([flagged.file, flagged.server.port], [join(cwd, 'other/team.config.ts'), 1002]);
  const local = await load({ cwd });
  assert.deepEqual([local.file, local.server.port], [join(cwd, 'ccproxy.config.ts'), 1001]);
  const empty = await tempDir(t);
  const home = await load({ cwd: empty, env: { HOME: join(cwd, 'home') } });
  assert.deepEqual(
    [home.file, home.server.port],
    [join(cwd, 'home/.ccproxy/ccproxy.config.ts'), 1003],
  );
});

test('a TypeScript config: defineConfig({...}) with plugins, every default filled in', async (t) => {
  const cwd = await tempDir(t, {
    'package.json': '{ "type": "module" }',
    'ccproxy.config.ts': typed(
      `defineConfig({ plugins: [customHeaders(), false, [${PROVIDER}]] })`,
    ),
  });
  const config = await load({ cwd });
  assert.deepEqual(config.server, { host: '127.0.0.1', port: 3456, allowOpen: false });
  assert.equal(config.logLevel, 'info');
  const [headers, disabled, preset] = config.plugins as [
    { name: string },
    false,
    { name: string }[],
  ];
  assert.deepEqual(
    [headers.name, disabled, preset.map((p) => p.name)],
    ['custom-headers', false, ['openai']],
  );
});

test('the function form receives the command and the environment', async (t) => {
  const cwd = await tempDir(t, {
    'ccproxy.config.mts': typed(
      `defineConfig(async ({ command, env }) => ({ server: { port: Number(env.TEAM_PORT) }, logLevel: command === 'start' ? 'debug' : 'warn' }))`,
    ),
  });
  const config = await loadConfig({
    cwd,
    env: { HOME: cwd, TEAM_PORT: '4100' },
    command: 'start',
    fallback: () => [],
  });
  assert.deepEqual([config.server.port, config.logLevel], [4100, 'debug']);
});

test('precedence: flags > environment (HOST, PORT, LOG_LEVEL, CCPROXY_ALLOW_OPEN) > file > defaults', async (t) => {
  const cwd = await tempDir(t, {
    'ccproxy.config.ts': `export default { server: { host: 'file.local', port: 2000, allowOpen: false }, logLevel: 'error' };\n`,
  });
  const env = { HOST: 'env.local', PORT: '3000', LOG_LEVEL: 'debug', CCPROXY_ALLOW_OPEN: '1' };
  const pick = (c: ResolvedConfig) => [
    c.server.host,
    c.server.port,
    c.server.allowOpen,
    c.logLevel,
  ];
  assert.deepEqual(pick(await load({ cwd })), ['file.local', 2000, false, 'error']);
  assert.deepEqual(pick(await load({ cwd, env })), ['env.local', 3000, true, 'debug']);
  const flags = { host: 'flag.local', port: 4000, allowOpen: false };
  assert.deepEqual(pick(await load({ cwd, env, flags })), ['flag.local', 4000, false, 'debug']);
  const bare = await tempDir(t, { 'ccproxy.config.ts': 'export default {};\n' });
  assert.deepEqual(pick(await load({ cwd: bare })), ['127.0.0.1', 3456, false, 'info']);
});

test("the Go ccproxy's variables: CCPROXY_HOST and CCPROXY_PORT beat HOST and PORT, flags beat both; CCPROXY_CONFIG, CCPROXY_LOG_FILE", async (t) => {
  const cwd = await tempDir(t, {
    'ccproxy.config.ts': port(2000),
    'elsewhere/team.config.ts': port(2100),
    'flag.config.ts': port(2200),
  });
  const generic = { HOST: 'env.local', PORT: '3000' };
  const go = { ...generic, CCPROXY_HOST: 'go.local', CCPROXY_PORT: '3100' };
  const server = async (options: Load) => (await load(options)).server;
  assert.deepEqual(await server({ cwd, env: generic }), {
    host: 'env.local',
    port: 3000,
    allowOpen: false,
  });
  assert.deepEqual(await server({ cwd, env: go }), {
    host: 'go.local',
    port: 3100,
    allowOpen: false,
  });
  const flags = { host: 'flag.local', port: 4000 };
  assert.deepEqual(await server({ cwd, env: go, flags }), {
    host: 'flag.local',
    port: 4000,
    allowOpen: false,
  });

  const env = { CCPROXY_CONFIG: 'elsewhere/team.config.ts' };
  assert.equal((await load({ cwd, env })).server.port, 2100);
  assert.equal((await load({ cwd, env, flags: { config: 'flag.config.ts' } })).server.port, 2200);
  await rejectsWith(
    load({ cwd, env: { CCPROXY_CONFIG: 'nope.ts' } }),
    'CCPROXY_CONFIG: no file at nope.ts',
  );
  await rejectsWith(
    load({ cwd, env: { CCPROXY_PORT: 'x' } }),
    'CCPROXY_PORT: expected an integer from 0 to 65535, got "x"',
  );
  assert.equal(
    (await load({ cwd, env: { CCPROXY_LOG_FILE: 'ccproxy.log' } })).logFile,
    'ccproxy.log',
  );
});

test('CCPROXY_STORAGE and CCPROXY_REDIS beat the file; a wrong scheme names the variable without echoing it', async (t) => {
  const cwd = await tempDir(t, {
    'ccproxy.config.ts': `export default { storage: 'sqlite:file.db', redis: 'redis://file:6379' };`,
  });
  const shared = async (env: NodeJS.ProcessEnv) => {
    const { storage, redis } = await load({ cwd, env });
    return { storage, redis };
  };
  assert.deepEqual(await shared({}), { storage: 'sqlite:file.db', redis: 'redis://file:6379' });
  assert.deepEqual(
    await shared({
      CCPROXY_STORAGE: 'postgres://u:pw@db/ccproxy',
      CCPROXY_REDIS: 'rediss://r:6380',
    }),
    { storage: 'postgres://u:pw@db/ccproxy', redis: 'rediss://r:6380' },
  );
  assert.equal((await shared({ CCPROXY_STORAGE: 'off' })).storage, false);
  assert.equal((await shared({ CCPROXY_STORAGE: '' })).storage, 'sqlite:file.db');
  const refused = load({ cwd, env: { CCPROXY_STORAGE: 'mysql://u:secret@db' } });
  await rejectsWith(
    refused,
    'CCPROXY_STORAGE: expected sqlite:PATH, postgres://… or false, got mysql:…',
  );
  await assert.rejects(refused, (error: Error) => !error.message.includes('secret'));
  await rejectsWith(
    load({ cwd, env: { CCPROXY_REDIS: 'localhost:6379' } }),
    'CCPROXY_REDIS: expected redis://… or rediss://…, got localhost:…',
  );
});

test('no config file: the environment defaults run, the environment still sets the server', async (t) => {
  const cwd = await tempDir(t);
  const seen: NodeJS.ProcessEnv[] = [];
  const provider = fakeProvider('p', () => textStream('x')).plugin;
  const config = await load({
    cwd,
    env: { PORT: '5000', OPENAI_API_KEY: 'sk-env' },
    fallback: (env) => (seen.push(env), [provider]),
  });
  assert.equal(config.file, null);
  assert.deepEqual(config.plugins, [provider]);
  assert.equal(seen[0]?.OPENAI_API_KEY, 'sk-env');
  assert.equal(config.server.port, 5000);
});

test('a mistake in the environment defaults is reported against "environment"', async (t) => {
  const cwd = await tempDir(t);
  const fallback = () => {
    throw new ConfigError('MAX_TOKENS_LIMIT: expected a positive integer, got "lots"');
  };
  await rejectsWith(
    load({ cwd, fallback }),
    'environment: MAX_TOKENS_LIMIT: expected a positive integer, got "lots"',
  );
});

for (const [value, level] of [
  ['WARNING', 'warn'],
  ['CRITICAL', 'fatal'],
  ['Debug', 'debug'],
] as const) {
  test(`LOG_LEVEL=${value} (the Python proxies' names) is accepted as ${level}`, async (t) => {
    const cwd = await tempDir(t);
    assert.equal((await load({ cwd, env: { LOG_LEVEL: value } })).logLevel, level);
  });
}

for (const c of [
  {
    name: 'a wrong type',
    file: `export default { server: { allowOpen: 'yes' } };`,
    message: 'ccproxy.config.ts: config.server.allowOpen: expected a boolean, got "yes"',
  },
  {
    name: 'an unknown top-level key, with did you mean',
    file: `export default { servr: { port: 1 } };`,
    message: 'ccproxy.config.ts: config: unknown option "servr"; did you mean "server"?',
  },
  {
    name: 'an unknown server key',
    file: `export default { server: { hots: 'x' } };`,
    message: 'ccproxy.config.ts: config.server: unknown option "hots"; did you mean "host"?',
  },
  {
    name: 'a bad enum',
    file: `export default { logLevel: 'loud' };`,
    message:
      /^ccproxy\.config\.ts: config\.logLevel: expected one of "fatal", .*"silent", got "loud"$/,
  },
  {
    name: 'plugins that is not an array',
    file: `export default { plugins: {} };`,
    message: 'ccproxy.config.ts: config.plugins: expected an array, got an object',
  },
  {
    name: 'no default export',
    file: `export const config = { server: { port: 1 } };`,
    message:
      'ccproxy.config.ts: expected a default export made with defineConfig({...}), got undefined',
  },
  {
    name: 'a plugin factory throwing inside the file',
    file: typed(`defineConfig({ plugins: [customHeaders({ headers: { 'bad header': 'v' } })] })`),
    message: 'ccproxy.config.ts: plugins (custom-headers): "bad header" is not a valid header name',
  },
  {
    name: 'a plugin option of the wrong type',
    file: typed(`defineConfig({ plugins: [modelMap({ big: 42 as never })] })`),
    message: 'ccproxy.config.ts: plugins (model-map): options.big: expected a string, got 42',
  },
]) {
  test(`a config with ${c.name} stops loading, naming file, path and expectation`, async (t) => {
    const cwd = await tempDir(t, {
      'package.json': '{ "type": "module" }',
      'ccproxy.config.ts': c.file,
    });
    await rejectsWith(load({ cwd }), c.message);
  });
}

for (const c of [
  {
    name: '--config naming a missing file',
    env: {},
    flags: { config: 'nope.config.ts' },
    message: '--config: no file at nope.config.ts',
  },
  {
    name: 'an unknown LOG_LEVEL',
    env: { LOG_LEVEL: 'loud' },
    flags: {},
    message: /^LOG_LEVEL: expected one of fatal, .*, got "loud"$/,
  },
]) {
  test(`${c.name} stops loading`, async (t) => {
    const cwd = await tempDir(t);
    await rejectsWith(load({ cwd, env: c.env, flags: c.flags }), c.message);
  });
}

/**
 * Loads `body` as the working directory's config, then starts it (a silent logger, port 0).
 * A start-up error is returned with the config file's path in front replaced by `<file>`.
 */
async function start(t: TestContext, body: string, env: NodeJS.ProcessEnv = {}) {
  const cwd = await tempDir(t, {
    'package.json': '{ "type": "module" }',
    'ccproxy.config.ts': typed(body),
  });
  const config = await load({ cwd, env: { PORT: '0', ...env } });
  try {
    const running = await startProxy(config, { logger: pino({ level: 'silent' }), env: {} });
    t.after(() => running.close());
    return running;
  } catch (error) {
    if (error instanceof ConfigError)
      error.message = error.message.replace(`${config.file!}:`, '<file>:');
    throw error;
  }
}

// test/cli/config.test.ts covers the misspelt one (`opneai` → did you mean "openai"?) through the CLI.
test('a provider referenced by model-map but not configured, with no close name, lists the configured ones', async (t) => {
  await rejectsWith(
    start(
      t,
      `defineConfig({ plugins: [${PROVIDER}, modelMap({ big: 'openai,gpt-4o', small: 'gemini,flash' })] })`,
    ),
    '<file>: plugins (model-map): options.small: unknown provider "gemini"; configured: openai',
  );
});

test("boost's planner on a provider that is not configured stops start-up, naming the file and the option", async (t) => {
  await rejectsWith(
    start(
      t,
      `defineConfig({ plugins: [${PROVIDER}, boost({ tiers: ['big'], planner: 'opnai,gpt-4o' })] })`,
    ),
    '<file>: plugins (boost): options.planner: unknown provider "opnai"; did you mean "openai"?',
  );
});

test("boost's planner without a provider stops loading, naming the file and the option", async (t) => {
  const cwd = await tempDir(t, {
    'package.json': '{ "type": "module" }',
    'ccproxy.config.ts': typed(
      `defineConfig({ plugins: [${PROVIDER}, boost({ tiers: ['big'], planner: 'gpt-4o' })] })`,
    ),
  });
  await rejectsWith(
    load({ cwd, env: {} }),
    /^\S*ccproxy\.config\.ts: plugins \(boost\): options\.planner: expected "provider,model" naming a configured provider, got "gpt-4o"$/,
  );
});

test('a config without any provider stops start-up', async (t) => {
  await rejectsWith(
    start(t, `defineConfig({ plugins: [customHeaders()] })`),
    '<file>: plugins: expected at least one provider plugin (openai(), anthropic(), …)',
  );
});

// 192.0.2.1 (TEST-NET-1) is never a local address: passing the check, listen fails with
// EADDRNOTAVAIL, so nothing is ever served off loopback.
const PUBLIC = { HOST: '192.0.2.1' };

test('a non-loopback host without an auth plugin is refused unless allowOpen', async (t) => {
  await rejectsWith(
    start(t, `defineConfig({ plugins: [${PROVIDER}] })`, PUBLIC),
    /^<file>: server\.host: "192\.0\.2\.1" is not loopback and no auth plugin is configured; .*CCPROXY_ALLOW_OPEN=1/,
  );
  await assert.rejects(
    start(t, `defineConfig({ plugins: [${PROVIDER}] })`, { ...PUBLIC, CCPROXY_ALLOW_OPEN: '1' }),
    {
      code: 'EADDRNOTAVAIL',
    },
  );
  await assert.rejects(
    start(t, `defineConfig({ server: { allowOpen: true }, plugins: [${PROVIDER}] })`, PUBLIC),
    {
      code: 'EADDRNOTAVAIL',
    },
  );
});

test('a non-loopback host with an auth plugin that has keys is allowed', async (t) => {
  await assert.rejects(
    start(t, `defineConfig({ plugins: [auth({ keys: ['k'] }), ${PROVIDER}] })`, PUBLIC),
    {
      code: 'EADDRNOTAVAIL',
    },
  );
});

test('a non-loopback host is guarded by whichever plugin authenticates clients, not by a name', async (t) => {
  const sso = `{ name: 'sso', setup(app) { app.provide('client-auth', { check() {} }); } }`;
  await assert.rejects(start(t, `defineConfig({ plugins: [${sso}, ${PROVIDER}] })`, PUBLIC), {
    code: 'EADDRNOTAVAIL',
  });
  await rejectsWith(
    start(t, `defineConfig({ plugins: [{ name: 'auth' }, ${PROVIDER}] })`, PUBLIC),
    /^<file>: server\.host: "192\.0\.2\.1" is not loopback and no auth plugin is configured/,
  );
});

test('a config that loads and starts serves on the port it was given', async (t) => {
  const running = await start(
    t,
    `defineConfig({ plugins: [auth({ keys: [process.env.UNSET_KEY] }), ${PROVIDER}] })`,
  );
  const health = await fetch(`${running.url}/health`);
  assert.deepEqual(await health.json(), { status: 'ok' });
});
