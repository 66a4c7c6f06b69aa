/**
 * Claude Code's gateway model discovery (PROTOCOL §5.2) against ccproxy, with the real CLI of the
 * newest tested release: its `/model` picker is filled from the cache this run writes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { modelMap, openai } from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { chatCompletion, replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { runClaude } from './claude.ts';
import { claudeBinary, versions } from './install.ts';

const version = versions[0]!; // the newest
const binary = claudeBinary(version);

test(
  `Claude Code ${version} with CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY keeps the routed models' aliases, and one picked routes to its model`,
  { skip: !binary && 'not installed: run test/e2e/install.ts' },
  async (t) => {
    const upstream = await scriptedUpstream(t, (req, res) =>
      replyJson(res, 200, chatCompletion(req.body.model, `Answered by ${req.body.model}.`)),
    );
    const { url } = await startTestProxy(t, {
      plugins: [
        openai({
          name: 'deepseek',
          baseUrl: `${upstream.url}/v1`,
          models: ['deepseek-chat', 'deepseek-reasoner'],
        }),
        modelMap({ big: 'deepseek,deepseek-reasoner', small: 'deepseek,deepseek-chat' }),
      ],
    });
    const home = await mkdtemp(join(tmpdir(), 'ccproxy-e2e-home-'));
    t.after(() => rm(home, { recursive: true, force: true }));
    const claude = (args: string[] = []) =>
      runClaude({
        binary: binary!,
        baseUrl: url,
        cwd: home,
        home,
        prompt: 'Say hi.',
        args,
        env: { CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' },
      });

    const first = await claude();
    assert.equal(first.exitCode, 0, first.stderr);
    // What the /model picker lists "From gateway": Claude Code keeps ids naming Claude only.
    const cache = JSON.parse(
      await readFile(join(home, '.claude', 'cache', 'gateway-models.json'), 'utf8'),
    ) as { baseUrl: string; models: { id: string; display_name?: string }[] };
    assert.equal(cache.baseUrl, url);
    assert.deepEqual(
      cache.models.map((m) => [m.id, m.display_name]),
      [
        ['claude-via/deepseek/deepseek-chat', 'deepseek-chat (deepseek)'],
        ['claude-via/deepseek/deepseek-reasoner', 'deepseek-reasoner (deepseek)'],
      ],
    );

    // Picked (here by --model, as /model does), the alias reaches that model.
    const picked = await claude(['--model', 'claude-via/deepseek/deepseek-chat']);
    assert.equal(picked.exitCode, 0, picked.stderr);
    assert.equal(picked.result, 'Answered by deepseek-chat.');
    assert.equal(upstream.requests.at(-1)?.body.model, 'deepseek-chat');
  },
);
