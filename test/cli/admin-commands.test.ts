import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { chunk, completion, openaiReply, usageChunk } from '../providers/openai/helpers.ts';
import { clientFor, closedPort, runCli, runToExit, serverHome, writeConfig } from './helpers.ts';

const ADMIN_KEY = 'admin-key-for-tests';
/** What the upstream's own models endpoint lists. */
const UPSTREAM_MODELS = ['gpt-4o', 'gpt-4o-mini', 'o3'];

/**
 * A foreground ccproxy in a fresh HOME (its PID file is how the commands find it), with the usage
 * rows and live control the commands read, in memory, and an admin key.
 */
async function server(t: TestContext) {
  const reply = openaiReply(
    [chunk({ role: 'assistant', content: 'hi' }), chunk({}, 'stop'), usageChunk(1200, 30)],
    completion({ role: 'assistant', content: 'hi' }, 'stop', {
      prompt_tokens: 1200,
      completion_tokens: 30,
    }),
  );
  const list = { object: 'list', data: UPSTREAM_MODELS.map((id) => ({ id, object: 'model' })) };
  const upstream = await scriptedUpstream(t, (req, res, http) =>
    req.method === 'GET' && req.url === '/v1/models'
      ? replyJson(res, 200, list)
      : reply(req, res, http),
  );
  const down = await closedPort();
  const home = serverHome(t);
  writeConfig(
    home,
    `{
      storage: false,
      plugins: [
        p.openai({ baseUrl: '${upstream.url}/v1', apiKey: 'sk-up', models: ['gpt-4o', 'gpt-4o-mini'] }),
        p.openai({ name: 'down', baseUrl: 'http://127.0.0.1:${down}/v1', apiKey: 'sk-down', models: ['m1'] }),
        p.modelMap({ big: 'openai,gpt-4o', middle: 'openai,gpt-4o', small: 'openai,gpt-4o-mini' }),
        p.admin(), p.storage(), p.usage(), p.live(),
      ],
    }`,
  );
  const cli = runCli(t, {
    args: ['start', '--port', '0'],
    cwd: home,
    env: { CCPROXY_ADMIN_KEY: ADMIN_KEY },
  });
  const url = await cli.listening();
  const run = (args: string[], env: NodeJS.ProcessEnv = { CCPROXY_ADMIN_KEY: ADMIN_KEY }) =>
    runToExit(t, { args, cwd: home, env });
  return { upstream, home, url, run };
}

test('switch, usage and logs -f read and change the running server', async (t) => {
  const { upstream, home, url, run } = await server(t);
  const client = clientFor(url);
  const ask = (session: string) =>
    client.messages.create(
      { model: 'claude-opus-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-claude-code-session-id': session } },
    );

  // Following before the first request: each finished request is printed as it happens.
  const follow = runCli(t, {
    args: ['logs', '-f', '--json'],
    cwd: home,
    env: { CCPROXY_ADMIN_KEY: ADMIN_KEY },
  });
  await follow.waitFor('stderr', /following/); // subscribed; no past requests to print
  assert.equal(follow.stdout(), '');
  await ask('session-a');
  const first = JSON.parse((await follow.waitFor('stdout', /^.+\n/))[0]);
  assert.equal(first.requested_model, 'claude-opus-4-6');
  assert.equal(`${first.provider},${first.model}`, 'openai,gpt-4o');

  const switched = await run(['switch', 'big', 'openai,gpt-4o-mini']);
  assert.equal(switched.code, 0, switched.stderr);
  assert.match(switched.stdout, /^big +openai,gpt-4o-mini +switched +openai,gpt-4o$/m);
  await ask('session-b');
  assert.equal(upstream.requests.at(-1)?.body.model, 'gpt-4o-mini', 'the next request is switched');
  await follow.waitFor('stdout', /\n.*gpt-4o-mini.*\n/);

  const bySession = await run(['switch', 'small', 'openai,gpt-4o', '--session', 'session-b']);
  assert.equal(bySession.code, 0, bySession.stderr);
  assert.match(bySession.stdout, /^small +openai,gpt-4o +this session +openai,gpt-4o-mini$/m);
  const back = await run(['switch', 'small', 'default', '--session', 'session-b']);
  assert.match(back.stdout, /^small +openai,gpt-4o-mini +openai,gpt-4o-mini$/m);
  const shown = JSON.parse((await run(['switch', '--json'])).stdout);
  assert.equal(shown.big, 'openai,gpt-4o-mini');
  assert.equal(shown.configured.big, 'openai,gpt-4o');

  const usage = await run(['usage', '--by', 'model', '--since', '1h']);
  assert.equal(usage.code, 0, usage.stderr);
  assert.match(usage.stdout, /^openai,gpt-4o +1 +1200 +30 /m);
  assert.match(usage.stdout, /^openai,gpt-4o-mini +1 +1200 +30 /m);
  assert.match(usage.stdout, /^total +2 +2400 +60 /m);
  const sessions = JSON.parse((await run(['usage', '--by', 'session', '--json'])).stdout);
  assert.deepEqual(sessions.rows.map((row: { key: string }) => row.key).sort(), [
    'session-a',
    'session-b',
  ]);

  const past = await run(['logs', '-n', '1']);
  assert.equal(past.code, 0, past.stderr);
  assert.match(
    past.stdout,
    /^\d\d:\d\d:\d\d {2}200 {2}claude-opus-4-6 → openai,gpt-4o-mini {2}.*1200→30 tokens/,
  );
  assert.equal(past.stdout.split('\n').length, 2, 'one line');

  // A config reload ends the server's event stream; the follower subscribes again.
  const reload = await fetch(`${url}/api/config/reload`, {
    method: 'POST',
    headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(reload.status, 200, await reload.text());
  await follow.waitFor('stderr', /following again/);
  await ask('session-c');
  await follow.waitFor('stdout', /session-c/);
});

test('the admin commands say what to do when the server is down or refuses the key; bad flags exit 2', async (t) => {
  const { url, run } = await server(t);
  const refused = await run(['usage'], {});
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    new RegExp(`^ccproxy: ${url} refused the admin API .*; set CCPROXY_ADMIN_KEY`),
  );

  const missing = await run(['usage', '--by', 'week']);
  assert.equal(missing.code, 2, 'bad usage');
  assert.match(missing.stderr, /Allowed choices are model, provider, session, key, day/);
  const since = await run(['usage', '--since', 'last week']);
  assert.equal(since.code, 2, 'bad usage');
  assert.match(
    since.stderr,
    /^ccproxy: option '--since <when>' argument 'last week' is invalid\. expected a span/,
  );
  assert.match(since.stderr, /Usage: ccproxy usage/);

  const noServer = await runToExit(t, { args: ['switch'] });
  assert.equal(noServer.code, 1);
  assert.equal(
    noServer.stderr,
    'ccproxy: ccproxy is not running: start it with `ccproxy start -d` (or name a server with --url)\n',
  );
  const closed = await closedPort();
  const gone = await runToExit(t, { args: ['logs', '-f', '--url', `http://127.0.0.1:${closed}`] });
  assert.equal(gone.code, 1);
  assert.equal(
    gone.stderr,
    `ccproxy: the server at http://127.0.0.1:${closed} does not answer (ECONNREFUSED); \`ccproxy status\` says whether it runs\n`,
  );
});

test("models lists each provider's own models, and the configured ones with the reason when it cannot", async (t) => {
  const { run } = await server(t);
  const listed = await run(['models']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /^openai: 3 discovered\n {2}openai,gpt-4o\n {2}openai,gpt-4o-mini\n {2}openai,o3\n/,
  );
  assert.match(
    listed.stdout,
    /^down: 1 configured \(provider "down" did not list its models: .*\)\n {2}down,m1\n$/m,
  );
  const one = JSON.parse((await run(['models', 'openai', '--refresh', '--json'])).stdout);
  assert.deepEqual(one, [
    { provider: 'openai', source: 'discovered', models: UPSTREAM_MODELS, error: null },
  ]);
  const unknown = await run(['models', 'nope']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, 'ccproxy: no provider named "nope"; the server has openai, down\n');
});

test("statusline against a real server: the session's requested → routed model and its cost", async (t) => {
  const { url, home } = await server(t);
  // The row is written after the answer: logs -f says when it is there.
  const follow = runCli(t, {
    args: ['logs', '-f', '--json'],
    cwd: home,
    env: { CCPROXY_ADMIN_KEY: ADMIN_KEY },
  });
  await follow.waitFor('stderr', /following/);
  await clientFor(url).messages.create(
    { model: 'claude-opus-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
    { headers: { 'x-claude-code-session-id': 'session-s' } },
  );
  await follow.waitFor('stdout', /session-s/);
  const run = await runToExit(t, {
    args: ['statusline'],
    cwd: home,
    env: {
      ANTHROPIC_BASE_URL: url,
      CCPROXY_ADMIN_KEY: ADMIN_KEY,
      NO_COLOR: '1',
      // A loaded test machine may be slower than Claude Code's budget; the timeout has its own test.
      CCPROXY_STATUSLINE_TIMEOUT_MS: '10000',
    },
    input: JSON.stringify({ session_id: 'session-s', model: { display_name: 'Opus' } }),
  });
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^claude-opus-4-6 → openai,gpt-4o · \$0\.\d{4} · saved \$0\.\d{4}\n$/);
});

test('export claude-settings prints the env block for the running server, else for the config', async (t) => {
  const { url, run } = await server(t);
  const running = await run(['export', 'claude-settings'], { CCPROXY_API_KEY: 'team-key' });
  assert.equal(running.code, 0, running.stderr);
  assert.deepEqual(JSON.parse(running.stdout), {
    env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_AUTH_TOKEN: 'team-key' },
  });
  const none = await runToExit(t, { args: ['export', 'claude-settings', '--port', '4100'] });
  assert.deepEqual(JSON.parse(none.stdout).env, {
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:4100',
    ANTHROPIC_AUTH_TOKEN: 'ccproxy',
  });
});
