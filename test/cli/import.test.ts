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

/** An Anthropic-compatible upstream answering every request. */
const answeringAnthropic = (t: Parameters<typeof scriptedUpstream>[0]) =>
  scriptedUpstream(t, (req, res) =>
    replyJson(res, 200, {
      id: 'msg_import',
      type: 'message',
      role: 'assistant',
      model: (req.body as { model: string }).model,
      content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 1 },
    }),
  );

/** cc-proxy's providers.toml as its README shows it (both providers), pointed at scripted upstreams. */
const ccProxyToml = (
  openai: string,
  anthropic: string,
) => `# Example providers.toml - Secure Configuration
[config]
port = 8082
anthropic_api_key = "toml-client-key"
log_level = "INFO"
big_model = "claude-3-opus-20240229"
middle_model = "gpt-4o"
small_model = "gpt-4o-mini"
max_tokens_limit = 4096
request_timeout = 90

[[provider]]
name = "OpenAI"
base_url = "${openai}/v1"
env_key = "OPENAI_API_KEY"  # Secure: Load API key from environment
big_models = ["gpt-4o"]
middle_models = ["gpt-4o"]
small_models = ["gpt-4o-mini"]

# Native Anthropic provider (no conversion, lower latency)
[[provider]]
name = "Anthropic-Direct"
provider_type = "anthropic"  # Skip format conversion
base_url = "${anthropic}"
api_key = "sk-ant-toml"
big_models = ["claude-3-5-sonnet-20241022", "claude-3-opus-20240229"]
middle_models = ["claude-3-5-sonnet-20241022"]
small_models = ["claude-3-5-haiku-20241022"]
`;

test("import toml: cc-proxy's providers.toml starts as is and routes each tier as it did", async (t) => {
  const [openai, anthropic] = [await answering(t), await answeringAnthropic(t)];
  const dir = projectDir(t);
  writeFileSync(join(dir, 'providers.toml'), ccProxyToml(openai.url, anthropic.url));
  const run = await runToExit(t, { cwd: dir, args: ['import', 'toml', 'providers.toml'] });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ {2}\[config\]\.request_timeout: not carried over$/m);
  const env = parseEnv(readFileSync(join(dir, '.env'), 'utf8'));
  assert.deepEqual(env, {
    ANTHROPIC_DIRECT_API_KEY: 'sk-ant-toml',
    CCPROXY_API_KEY: 'toml-client-key',
  });
  assert.doesNotMatch(readFileSync(join(dir, 'ccproxy.config.ts'), 'utf8'), /sk-ant-toml/);

  const cli = runCli(t, {
    cwd: dir,
    args: ['start', '--port', '0'],
    env: { ...env, OPENAI_API_KEY: 'sk-openai' },
  });
  const client = clientFor(await cli.listening(), 'toml-client-key');
  for (const model of ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5'])
    await client.messages.create({ model, max_tokens: 8, messages: [user('hi')] });
  assert.deepEqual(
    anthropic.requests.map((r) => [r.body.model, r.headers['x-api-key']]),
    [['claude-3-opus-20240229', 'sk-ant-toml']],
    'big_model is listed by Anthropic-Direct',
  );
  assert.deepEqual(sent(openai), [
    ['gpt-4o', 'Bearer sk-openai'],
    ['gpt-4o-mini', 'Bearer sk-openai'],
  ]);
});

/** The web-UI proxy's config.json as its config.in.json shows it, pointed at scripted upstreams. */
function webUiConfig(claude: string, openai: string) {
  return {
    HOST: '127.0.0.1',
    PORT: 3456,
    APIKEY: 'sk-your-local-ui-key',
    _comment_APIKEY: 'Authentication key for Claude Code (ANTHROPIC_AUTH_TOKEN)',
    'env-models': {},
    HeaderOverrides: {
      ClaudeCode: { 'User-Agent': 'claude-cli/2.0.76 (external, cli)', 'x-app': 'cli' },
      'None (Passthrough)': {},
      cherrystudio: { 'x-title': 'Cherry Studio' },
    },
    RequestOverrides: { 'None (Passthrough)': {}, ClaudeCode: { tools: [] } },
    Providers: [
      {
        name: 'example-provider1',
        api_base_url: `${claude}/v1/messages`,
        api_key: 'sk-provider-key-1',
        models: ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101'],
        comment: 'Optional note for this provider',
        'env-models': {
          ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5-20251001',
          ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-opus-4-5-20251101',
          ANTHROPIC_DEFAULT_SONNET_MODEL: 'claude-sonnet-4-20250514',
          ANTHROPIC_MODEL: 'claude-sonnet-4-20250514',
        },
      },
      {
        name: 'example-provider2',
        api_base_url: `${openai}/v1/chat/completions`,
        api_key: 'sk-provider-key-2',
        models: ['gpt-4.1'],
      },
    ],
  };
}

test("import cc-proxy-json: the web-UI proxy's config starts with its presets and routes to its selected provider", async (t) => {
  const [claude, openai] = [await answeringAnthropic(t), await answering(t)];
  const dir = projectDir(t);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(webUiConfig(claude.url, openai.url)));
  const run = await runToExit(t, { cwd: dir, args: ['import', 'cc-proxy-json', 'config.json'] });
  assert.equal(run.code, 0, run.stderr);
  const env = parseEnv(readFileSync(join(dir, '.env'), 'utf8'));
  assert.deepEqual(env, {
    EXAMPLE_PROVIDER1_API_KEY: 'sk-provider-key-1',
    EXAMPLE_PROVIDER2_API_KEY: 'sk-provider-key-2',
    CCPROXY_API_KEY: 'sk-your-local-ui-key',
  });
  const written = readFileSync(join(dir, 'ccproxy.config.ts'), 'utf8');
  assert.match(written, /overrides\(/);
  assert.match(written, /'User-Agent': 'claude-cli\/2\.0\.76 \(external, cli\)'/);

  const cli = runCli(t, { cwd: dir, args: ['start', '--port', '0'], env });
  const client = clientFor(await cli.listening(), 'sk-your-local-ui-key');
  for (const model of ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5'])
    await client.messages.create({ model, max_tokens: 8, messages: [user('hi')] });
  assert.deepEqual(
    claude.requests.map((r) => [r.url, r.body.model, r.headers['x-api-key']]),
    [
      ['/v1/messages', 'claude-opus-4-5-20251101', 'sk-provider-key-1'],
      ['/v1/messages', 'claude-sonnet-4-20250514', 'sk-provider-key-1'],
      ['/v1/messages', 'claude-haiku-4-5-20251001', 'sk-provider-key-1'],
    ],
    "env-models name each tier's model on the selected (first) provider",
  );
  assert.equal(openai.requests.length, 0);
  const explicit = await client.messages.create({
    model: 'example-provider2,gpt-4.1',
    max_tokens: 8,
    messages: [user('hi')],
  });
  assert.deepEqual(explicit.content, [{ type: 'text', text: 'ok' }]);
  assert.deepEqual(sent(openai), [['gpt-4.1', 'Bearer sk-provider-key-2']]);
});

test('import toml and cc-proxy-json: a malformed or unknown-shaped file is named with the place and what was expected; nothing is written', async (t) => {
  const dir = projectDir(t);
  writeFileSync(join(dir, 'broken.toml'), '[config]\nport = \n');
  writeFileSync(join(dir, 'no-providers.toml'), '[config]\nport = 8082\n');
  const shapeless = webUiConfig('http://127.0.0.1:1', 'http://127.0.0.1:2');
  shapeless.Providers[1]!.api_base_url = 'https://gateway.example/api';
  writeFileSync(join(dir, 'config.json'), JSON.stringify(shapeless));
  for (const [format, file, message] of [
    ['toml', 'broken.toml', /^broken\.toml: line 2, column \d+: expected TOML, got /],
    [
      'toml',
      'no-providers.toml',
      /^no-providers\.toml: \[\[provider\]\]: expected an array, got nothing$/,
    ],
    [
      'cc-proxy-json',
      'config.json',
      /^config\.json: Providers\[1\]\.api_base_url: expected an endpoint URL ending in \/v1\/messages, \/chat\/completions or \/responses, got "https:\/\/gateway\.example\/api"$/,
    ],
  ] as const) {
    const run = await runToExit(t, { cwd: dir, args: ['import', format, file] });
    assert.equal(run.code, 1, file);
    assert.match(run.stderr.replace(/^ccproxy: /, '').trim(), message);
  }
  assert.equal(existsSync(join(dir, 'ccproxy.config.ts')), false);
  assert.equal(existsSync(join(dir, '.env')), false);
});
