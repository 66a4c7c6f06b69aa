import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { user } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { completion } from '../providers/openai/helpers.ts';
import { clientFor, projectDir, runCli, runToExit, writeConfig } from './helpers.ts';

/** The keys' values: no export may contain one. */
const KEYS = {
  // Not <NAME>_API_KEY: the export names the variable that holds the key.
  DS_KEY: 'sk-deepseek-value',
  CLAUDE_API_KEY: 'sk-ant-claude-value',
  GEMINI_API_KEY: 'gemini-key-value',
  CCPROXY_API_KEY: 'client-key-value',
};

/**
 * A config with an OpenAI-compatible, an Anthropic and a Gemini provider, tiers on each, and the
 * cockpit (storage and the admin API, where runtime providers are added).
 */
function project(t: TestContext, deepseek = 'https://api.deepseek.com') {
  const dir = projectDir(t);
  writeConfig(
    dir,
    `{
      plugins: [
        p.auth({ keys: [process.env.CCPROXY_API_KEY] }),
        p.openai({ name: 'deepseek', baseUrl: '${deepseek}', apiKey: process.env.DS_KEY, models: ['deepseek-chat'] }),
        p.anthropic({ name: 'claude', apiKey: process.env.CLAUDE_API_KEY, models: ['claude-opus-4-1'] }),
        p.gemini({ name: 'gemini', apiKey: process.env.GEMINI_API_KEY }),
        p.ollama({ name: 'local', baseUrl: 'http://127.0.0.1:11434', models: ['qwen3'] }),
        p.modelMap({ big: 'claude,claude-opus-4-1', middle: 'deepseek,deepseek-chat', small: 'gemini,gemini-2.5-flash' }),
        p.cockpit({ ui: false }),
      ],
    }`,
  );
  return dir;
}

async function exported(t: TestContext, dir: string, format: string) {
  const run = await runToExit(t, { cwd: dir, args: ['export', format], env: KEYS });
  assert.equal(run.code, 0, run.stderr);
  for (const value of Object.values(KEYS))
    assert.ok(
      !run.stdout.includes(value) && !run.stderr.includes(value),
      `${format}: no key value`,
    );
  return run;
}

test("export ccr: claude-code-router's config.json with every provider, keys as $VAR of the variable holding each, the tiers as Router", async (t) => {
  const run = await exported(t, project(t), 'ccr');
  const config = JSON.parse(run.stdout) as {
    Providers: {
      name: string;
      api_base_url: string;
      api_key: string;
      models: string[];
      transformer?: { use: string[] };
    }[];
    Router: Record<string, string>;
  };
  assert.deepEqual(
    config.Providers.map((p) => [p.name, p.api_base_url, p.api_key, p.models, p.transformer?.use]),
    [
      [
        'deepseek',
        'https://api.deepseek.com/chat/completions',
        '$DS_KEY',
        ['deepseek-chat'],
        ['deepseek'],
      ],
      [
        'claude',
        'https://api.anthropic.com/v1/messages',
        '$CLAUDE_API_KEY',
        ['claude-opus-4-1'],
        ['Anthropic'],
      ],
      [
        'gemini',
        'https://generativelanguage.googleapis.com/v1beta/models/',
        '$GEMINI_API_KEY',
        ['gemini-2.5-flash'],
        ['gemini'],
      ],
      ['local', 'http://127.0.0.1:11434/v1/chat/completions', undefined, ['qwen3'], undefined],
    ],
  );
  assert.deepEqual(config.Router, {
    default: 'deepseek,deepseek-chat',
    background: 'gemini,gemini-2.5-flash',
  });
  assert.match(
    run.stderr,
    /set DS_KEY, CLAUDE_API_KEY, GEMINI_API_KEY where claude-code-router runs/,
  );
  assert.match(run.stderr, /opus → big \(claude,claude-opus-4-1\) has no slot/);
});

test('export ccr, then import ccr: the same provider answers the same tier with the key from the environment', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, completion({ role: 'assistant', content: 'ok' })),
  );
  const source = project(t, `${upstream.url}/v1`);
  const run = await exported(t, source, 'ccr');
  const dir = projectDir(t);
  writeFileSync(join(dir, 'config.json'), run.stdout);
  const imported = await runToExit(t, { cwd: dir, args: ['import', 'ccr', 'config.json'] });
  assert.equal(imported.code, 0, imported.stderr);
  const cli = runCli(t, { cwd: dir, args: ['start', '--port', '0'], env: KEYS });
  const client = clientFor(await cli.listening(), KEYS.CCPROXY_API_KEY);
  await client.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 8,
    messages: [user('hi')],
  });
  assert.deepEqual(
    upstream.requests.map((r) => [r.url, r.body.model, r.headers.authorization]),
    [['/v1/chat/completions', 'deepseek-chat', `Bearer ${KEYS.DS_KEY}`]],
  );
});

test('export cliproxyapi: YAML sections per wire format, keys as ${VAR} placeholders, the tiers as a comment', async (t) => {
  const run = await exported(t, project(t), 'cliproxyapi');
  const config = parseYaml(run.stdout) as Record<string, Record<string, unknown>[]>;
  assert.deepEqual(config['openai-compatibility'], [
    {
      name: 'deepseek',
      'base-url': 'https://api.deepseek.com',
      'api-key-entries': [{ 'api-key': '${DS_KEY}' }],
      models: [{ name: 'deepseek-chat', alias: 'deepseek-chat' }],
    },
    {
      name: 'local',
      'base-url': 'http://127.0.0.1:11434/v1',
      'api-key-entries': [{ 'api-key': '' }],
      models: [{ name: 'qwen3', alias: 'qwen3' }],
    },
  ]);
  assert.deepEqual(config['claude-api-key'], [
    {
      'api-key': '${CLAUDE_API_KEY}',
      'base-url': 'https://api.anthropic.com',
      models: [{ name: 'claude-opus-4-1', alias: 'claude-opus-4-1' }],
    },
  ]);
  assert.equal(config['gemini-api-key']?.[0]?.['api-key'], '${GEMINI_API_KEY}');
  assert.match(run.stdout, /^# {3}ANTHROPIC_DEFAULT_HAIKU_MODEL=gemini-2\.5-flash$/m);
});

test('export cc-switch: import links CC Switch parses, Anthropic providers direct, the others through ccproxy', async (t) => {
  const run = await exported(t, project(t), 'cc-switch');
  const links = run.stdout
    .trim()
    .split('\n')
    .map((line) => new URL(line));
  for (const link of links) {
    assert.equal(link.protocol, 'ccswitch:');
    assert.equal(`${link.host}${link.pathname}`, 'v1/import');
    assert.equal(link.searchParams.get('resource'), 'provider');
    assert.equal(link.searchParams.get('app'), 'claude');
    for (const required of ['name', 'homepage', 'endpoint', 'apiKey'])
      assert.ok(link.searchParams.get(required), `${required} in ${link.href}`);
  }
  const byName = Object.fromEntries(links.map((l) => [l.searchParams.get('name'), l.searchParams]));
  assert.deepEqual(Object.keys(byName), [
    'ccproxy',
    'ccproxy deepseek',
    'claude',
    'ccproxy gemini',
    'ccproxy local',
  ]);
  assert.equal(byName.claude!.get('endpoint'), 'https://api.anthropic.com');
  assert.equal(byName.claude!.get('apiKey'), '$CLAUDE_API_KEY');
  assert.equal(byName['ccproxy deepseek']!.get('endpoint'), 'http://127.0.0.1:3456');
  assert.equal(byName['ccproxy deepseek']!.get('model'), 'deepseek,deepseek-chat');
  assert.equal(byName['ccproxy deepseek']!.get('apiKey'), '$CCPROXY_API_KEY');
});

test('export includes the providers added at run time, their key as a reference too; /api/providers lists every kind and base URL', async (t) => {
  const dir = project(t);
  const server = runCli(t, { cwd: dir, args: ['start', '--port', '0'], env: KEYS });
  const url = await server.listening();
  const added = await fetch(`${url}/api/providers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'openai',
      name: 'added',
      baseUrl: 'https://api.example.com/v1',
      apiKey: 'sk-runtime-value',
      models: ['m1'],
    }),
  });
  assert.equal(added.status, 201, await added.text());
  const listed = (await (await fetch(`${url}/api/providers`)).json()) as {
    providers: { name: string; kind: string | null; baseUrl: string | null }[];
  };
  assert.deepEqual(
    listed.providers.map((p) => [p.name, p.kind, p.baseUrl]),
    [
      ['deepseek', 'openai', 'https://api.deepseek.com'],
      ['claude', 'anthropic', 'https://api.anthropic.com'],
      ['gemini', 'gemini', 'https://generativelanguage.googleapis.com'],
      ['local', 'ollama', 'http://127.0.0.1:11434'],
      ['added', 'openai', 'https://api.example.com/v1'],
    ],
    "a config provider's kind and base URL are listed too",
  );
  const run = await exported(t, dir, 'ccr');
  assert.ok(!run.stdout.includes('sk-runtime-value'));
  assert.match(run.stderr, /^ccproxy: added: ADDED_API_KEY is not set here/m);
  const config = JSON.parse(run.stdout) as { Providers: { name: string; api_key?: string }[] };
  assert.deepEqual(
    config.Providers.map((p) => [p.name, p.api_key]),
    [
      ['deepseek', '$DS_KEY'],
      ['claude', '$CLAUDE_API_KEY'],
      ['gemini', '$GEMINI_API_KEY'],
      ['local', undefined],
      ['added', '$ADDED_API_KEY'],
    ],
  );
});
