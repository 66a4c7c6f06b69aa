import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { claudeBinary, versions } from '../e2e/install.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { chunk, completion, openaiReply, usageChunk } from '../providers/openai/helpers.ts';
import { openaiEnv, pidFile, runToExit, serverHome } from './helpers.ts';

const binary = claudeBinary(versions[0]!);

test(
  'the real Claude Code runs through ccproxy code -p and gets the routed answer',
  { skip: !binary && `Claude Code ${versions[0]} is not installed (npm ci installs it)` },
  async (t) => {
    const upstream = await scriptedUpstream(
      t,
      openaiReply(
        [chunk({ role: 'assistant', content: 'PONG' }), chunk({}, 'stop'), usageChunk(12, 2)],
        completion({ role: 'assistant', content: 'PONG' }),
      ),
    );
    const home = serverHome(t);
    // Onboarding done and nothing sent anywhere but the proxy, as the e2e suite runs it.
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true }));
    const run = await runToExit(t, {
      args: ['code', '-p', 'Answer with one word: PONG', '--output-format', 'json'],
      cwd: home,
      env: {
        ...openaiEnv(upstream.url),
        ANTHROPIC_API_KEY: 'client-key',
        CCPROXY_CLAUDE: binary,
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        CLAUDE_CODE_MAX_RETRIES: '0',
      },
    });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.is_error, false);
    assert.equal(result.result, 'PONG');
    assert.ok(upstream.requests.length > 0);
    assert.equal(upstream.requests[0]?.headers.authorization, 'Bearer sk-upstream');
    assert.equal(pidFile(home), undefined, 'the server ccproxy code started has stopped');
  },
);
