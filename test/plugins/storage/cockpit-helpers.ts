import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ResolvedConfig } from '../../../core/config/load.ts';
import type { PluginOption } from '../../../core/index.ts';
import { cockpit, openai, type CockpitOptions } from '../../../plugins/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { scriptedUpstream, type UpstreamHandler } from '../../helpers/upstream.ts';
import type { ChatResponse } from '../../../plugins/providers/openai/types.ts';
import { chunk, openaiReply, usageChunk } from '../../providers/openai/helpers.ts';

/** A fresh CCPROXY_HOME, removed after the test. */
export function tempHome(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccproxy-storage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An OpenAI upstream answering `text` with the given usage (prompt tokens include cached ones). */
export const answer = (text: string, prompt = 120, completion = 7, cached = 20): UpstreamHandler =>
  openaiReply(
    [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: text }, 'stop'),
      usageChunk(prompt, completion, cached),
    ],
    {
      id: 'chatcmpl-1',
      model: 'gpt-4o',
      choices: [{ message: { content: text }, finish_reason: 'stop' }],
      usage: usageChunk(prompt, completion, cached).usage!,
    } satisfies ChatResponse,
  );

export interface CockpitSetup {
  config?: Pick<ResolvedConfig, 'storage' | 'history' | 'pricing' | 'budgets'>;
  /** A storage URL (`postgres://…`) instead of the SQLite file in the temporary home. */
  storage?: string;
  cockpit?: CockpitOptions;
  env?: NodeJS.ProcessEnv;
  upstream?: UpstreamHandler | UpstreamHandler[];
  plugins?: PluginOption[];
  apiKey?: string;
}

/**
 * ccproxy with the cockpit on a real SQLite file (unless `config.storage` says otherwise), an
 * OpenAI provider `openai` in front of a scripted upstream, and `admin(path)` for the admin API.
 */
export async function startCockpit(t: TestContext, setup: CockpitSetup = {}) {
  const home = tempHome(t);
  const upstream = await scriptedUpstream(t, setup.upstream ?? answer('hello'));
  const env = { CCPROXY_HOME: home, ...setup.env };
  const proxy = await startTestProxy(t, {
    plugins: [
      cockpit(setup.cockpit),
      openai({
        name: 'openai',
        baseUrl: `${upstream.url}/v1`,
        apiKey: 'sk-upstream-test-key-0000',
      }),
      ...(setup.plugins ?? []),
    ],
    env,
    config: {
      storage: setup.storage ?? `sqlite:${join(home, 'ccproxy.db')}`,
      ...setup.config,
    },
    apiKey: setup.apiKey,
  });
  const storage = proxy.running.runtime.service('storage')!;
  /** GET an admin route as JSON (loopback, no admin key). */
  const admin = async <T = Record<string, unknown>>(path: string) => {
    const response = await fetch(`${proxy.url}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  };
  return { ...proxy, upstream, home, storage: storage, admin };
}
