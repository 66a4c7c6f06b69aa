import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseEnv } from 'node:util';
import { user } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream, type ScriptedUpstream } from '../helpers/upstream.ts';
import { completion } from '../providers/openai/helpers.ts';
import { clientFor, projectDir, runCli, runToExit } from './helpers.ts';

const answering = (t: Parameters<typeof scriptedUpstream>[0]) =>
  scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, completion({ role: 'assistant', content: 'ok' })),
  );

const sent = (upstream: ScriptedUpstream) =>
  upstream.requests.map((r) => [r.body.model, r.headers.authorization]);

/** claude-code-router's config.json as its README shows it, pointed at scripted upstreams. */
function ccrConfig(deepseek: string, ollama: string) {
  return {
    APIKEY: 'team-key',
    PROXY_URL: 'http://127.0.0.1:7890',
    LOG: true,
    HOST: '127.0.0.1',
    PORT: 3456,
    Providers: [
      {
        name: 'deepseek',
        api_base_url: `${deepseek}/chat/completions`,
        api_key: 'sk-deepseek',
        models: ['deepseek-chat', 'deepseek-reasoner'],
        transformer: { use: ['deepseek'], 'deepseek-chat': { use: ['tooluse'] } },
      },
      {
        name: 'ollama',
        api_base_url: `${ollama}/v1/chat/completions`,
        api_key: 'ollama',
        models: ['qwen2.5-coder:latest'],
        transformer: { use: [['maxtoken', { max_tokens: 8192 }]] },
      },
    ],
    Router: {
      default: 'deepseek,deepseek-chat',
      background: 'ollama,qwen2.5-coder:latest',
      think: 'deepseek,deepseek-reasoner',
      longContext: 'deepseek,deepseek-chat',
      longContextThreshold: 60000,
      webSearch: '',
    },
  };
}

test("import ccr: claude-code-router's config starts as is and routes as it did", async (t) => {
  const [deepseek, ollama] = [await answering(t), await answering(t)];
  const dir = projectDir(t);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(ccrConfig(deepseek.url, ollama.url)));
  const run = await runToExit(t, { cwd: dir, args: ['import', 'ccr', 'config.json'] });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    [
      'wrote ccproxy.config.ts',
      'wrote DEEPSEEK_API_KEY, OLLAMA_API_KEY, CCPROXY_API_KEY to .env (read at start; keep it private)',
      'not carried over:',
      '  Providers[0] (deepseek): transformer "tooluse for deepseek-chat": no equivalent, not carried over',
      '  Providers[1] (ollama): transformer "maxtoken": no equivalent, not carried over',
      '  PROXY_URL: not carried over',
      '',
    ].join('\n'),
  );
  assert.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600);
  const env = parseEnv(readFileSync(join(dir, '.env'), 'utf8'));
  assert.deepEqual(env, {
    DEEPSEEK_API_KEY: 'sk-deepseek',
    OLLAMA_API_KEY: 'ollama',
    CCPROXY_API_KEY: 'team-key',
  });
  assert.doesNotMatch(readFileSync(join(dir, 'ccproxy.config.ts'), 'utf8'), /sk-deepseek/);

  const cli = runCli(t, { cwd: dir, args: ['start', '--port', '0'], env });
  const client = clientFor(await cli.listening(), 'team-key');
  await client.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 8,
    messages: [user('hi')],
  });
  await client.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 8,
    messages: [user('hi')],
  });
  await client.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 2048,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [user('think')],
  });
  assert.deepEqual(sent(deepseek), [
    ['deepseek-chat', 'Bearer sk-deepseek'],
    ['deepseek-reasoner', 'Bearer sk-deepseek'],
  ]);
  assert.deepEqual(sent(ollama), [['qwen2.5-coder:latest', 'Bearer ollama']]);
});

test('import of a malformed file names the file, the place and what was expected, and writes nothing', async (t) => {
  const dir = projectDir(t);
  const broken = ccrConfig('http://127.0.0.1:1', 'http://127.0.0.1:2');
  broken.Router.default = 'deepseek';
  writeFileSync(join(dir, 'config.json'), JSON.stringify(broken));
  writeFileSync(join(dir, 'not-json.json'), '{ "Providers": [');
  for (const [file, message] of [
    ['config.json', 'config.json: Router.default: expected "provider,model", got "deepseek"'],
    ['not-json.json', /^not-json\.json: the file: expected JSON, got /],
    ['missing.json', 'missing.json: cannot read it (ENOENT)'],
  ] as const) {
    const run = await runToExit(t, { cwd: dir, args: ['import', 'ccr', file] });
    assert.equal(run.code, 1, file);
    if (typeof message === 'string') assert.equal(run.stderr, `ccproxy: ${message}\n`);
    else assert.match(run.stderr.replace(/^ccproxy: /, ''), message);
  }
  assert.equal(existsSync(join(dir, 'ccproxy.config.ts')), false);
  assert.equal(existsSync(join(dir, '.env')), false);
  const unknown = await runToExit(t, { cwd: dir, args: ['import', 'litellm', 'config.json'] });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Allowed choices are ccr, go-ccproxy, env/);
});

test("import env: a Python proxy's .env becomes a config with the same tiers and keys", async (t) => {
  const upstream = await answering(t);
  const dir = projectDir(t);
  mkdirSync(join(dir, 'old'));
  writeFileSync(
    join(dir, 'old', '.env'),
    [
      'OPENAI_API_KEY="sk-old"',
      `OPENAI_BASE_URL=${upstream.url}/v1`,
      'BIG_MODEL=gpt-4.1',
      'SMALL_MODEL=gpt-4.1-mini',
      'ANTHROPIC_API_KEY=client-key',
      'MAX_TOKENS_LIMIT=8192',
      '',
    ].join('\n'),
  );
  const run = await runToExit(t, { cwd: dir, args: ['import', 'env', 'old/.env'] });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ {2}MAX_TOKENS_LIMIT: not in the written config/m);
  const env = parseEnv(readFileSync(join(dir, '.env'), 'utf8'));
  assert.deepEqual(env, { OPENAI_API_KEY: 'sk-old', CCPROXY_API_KEY: 'client-key' });

  const cli = runCli(t, { cwd: dir, args: ['start', '--port', '0'], env });
  const client = clientFor(await cli.listening(), 'client-key');
  for (const model of ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5'])
    await client.messages.create({ model, max_tokens: 8, messages: [user('hi')] });
  assert.deepEqual(
    upstream.requests.map((r) => r.body.model),
    ['gpt-4.1', 'gpt-4.1', 'gpt-4.1-mini'],
  );
});

test("import go-ccproxy: the Go ccproxy's config, token-count condition and model routes included", async (t) => {
  const [openai, qwen] = [await answering(t), await answering(t)];
  const dir = projectDir(t);
  const route = (provider: string, model: string) => ({ provider, model });
  const config = {
    host: '127.0.0.1',
    port: 3456,
    log: false,
    apikey: 'go-client-key',
    performance: { request_timeout: '60s', circuit_breaker_enabled: true },
    providers: [
      {
        name: 'openai',
        api_base_url: `${openai.url}/v1`,
        api_key: 'sk-openai',
        models: ['gpt-4.1', 'o3'],
        enabled: true,
      },
      {
        name: 'qwen',
        api_base_url: `${qwen.url}/v1`,
        api_key: '${QWEN_KEY}',
        models: ['qwen3-coder'],
        enabled: true,
      },
      {
        name: 'old',
        api_base_url: 'https://api.example.com/v1',
        api_key: 'x',
        models: [],
        enabled: false,
      },
    ],
    routes: {
      default: route('openai', 'gpt-4.1'),
      background: route('qwen', 'qwen3-coder'),
      think: route('openai', 'o3'),
      longContext: {
        ...route('qwen', 'qwen3-long'),
        conditions: [{ type: 'tokenCount', operator: '>', value: 1000 }],
      },
      'claude-opus-4-6': route('openai', 'gpt-4.1-opus'),
    },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const run = await runToExit(t, { cwd: dir, args: ['import', 'go-ccproxy', 'config.json'] });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ {2}providers\[2\] \(old\): disabled, left out$/m);
  assert.match(run.stdout, /^ {2}performance: not carried over$/m);
  const env = parseEnv(readFileSync(join(dir, '.env'), 'utf8'));
  assert.deepEqual(env, { OPENAI_API_KEY: 'sk-openai', CCPROXY_API_KEY: 'go-client-key' });

  const cli = runCli(t, {
    cwd: dir,
    args: ['start', '--port', '0'],
    env: { ...env, QWEN_KEY: 'sk-qwen' },
  });
  const client = clientFor(await cli.listening(), 'go-client-key');
  const ask = (model: string, text = 'hi', extra = {}) =>
    client.messages.create({ model, max_tokens: 2048, messages: [user(text)], ...extra });
  await ask('claude-sonnet-4-6');
  await ask('claude-haiku-4-5');
  await ask('claude-sonnet-4-6', 'think', { thinking: { type: 'enabled', budget_tokens: 1024 } });
  await ask('claude-opus-4-6');
  await ask('claude-sonnet-4-6', 'many words '.repeat(1500));
  assert.deepEqual(sent(openai), [
    ['gpt-4.1', 'Bearer sk-openai'],
    ['o3', 'Bearer sk-openai'],
    ['gpt-4.1-opus', 'Bearer sk-openai'],
  ]);
  assert.deepEqual(sent(qwen), [
    ['qwen3-coder', 'Bearer sk-qwen'],
    ['qwen3-long', 'Bearer sk-qwen'],
  ]);
});
