import type { TestContext } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { clientFor, runCli, tempDir, writeConfig, type Cli } from '../../cli/helpers.ts';
import { user } from '../../helpers/proxy.ts';
import { scriptedUpstream, type ScriptedUpstream } from '../../helpers/upstream.ts';
import { answer } from '../storage/cockpit-helpers.ts';

/** One ccproxy process of a group sharing storage (and Redis). */
export interface Instance {
  id: string;
  url: string;
  cli: Cli;
  client: Anthropic;
}

export interface Group {
  instances: Instance[];
  /** Upstreams `a` and `b` (OpenAI wire), answering "from a" and "from b". */
  a: ScriptedUpstream;
  b: ScriptedUpstream;
  /** Starts one more instance of the group (e.g. after one was killed). */
  start(id: string): Promise<Instance>;
}

// The tiers go to `a` unless switched; the cockpit (with live() and cluster()) is on.
const CONFIG = `{
  storage: process.env.TEST_STORAGE,
  redis: process.env.TEST_REDIS || undefined,
  pricing: { 'a,model-a': { input: 10000, output: 10000, cacheRead: 10000 } },
  budgets: process.env.TEST_DAY_BUDGET ? { day: Number(process.env.TEST_DAY_BUDGET) } : undefined,
  plugins: [
    p.openai({ name: 'a', baseUrl: process.env.TEST_UP_A, apiKey: 'sk-test-upstream-a-0000' }),
    p.openai({ name: 'b', baseUrl: process.env.TEST_UP_B, apiKey: 'sk-test-upstream-b-0000' }),
    p.modelMap({ big: 'a,model-a', middle: 'a,model-a', small: 'a,model-a' }),
    p.cockpit({ ui: false, tracing: false }),
  ],
}`;

/**
 * `count` ccproxy processes (the real CLI, `CCPROXY_INSTANCE_ID` i1, i2, …) on one storage URL and
 * optionally one Redis, each killed and awaited by `t.after` (runCli).
 */
export async function startGroup(
  t: TestContext,
  options: { count: number; storage: string; redis?: string; env?: NodeJS.ProcessEnv },
): Promise<Group> {
  const a = await scriptedUpstream(t, answer('from a'));
  const b = await scriptedUpstream(t, answer('from b'));
  const dir = tempDir(t, 'ccproxy-group-');
  const config = writeConfig(dir, CONFIG);
  const start = async (id: string): Promise<Instance> => {
    const cli = runCli(t, {
      args: ['--config', config],
      env: {
        PORT: '0',
        LOG_LEVEL: 'warn',
        CCPROXY_INSTANCE_ID: id,
        TEST_STORAGE: options.storage,
        TEST_REDIS: options.redis ?? '',
        TEST_UP_A: `${a.url}/v1`,
        TEST_UP_B: `${b.url}/v1`,
        ...options.env,
      },
    });
    const url = await cli.listening();
    return { id, url, cli, client: clientFor(url) };
  };
  const instances = await Promise.all(
    Array.from({ length: options.count }, (_, i) => start(`i${i + 1}`)),
  );
  return { instances, a, b, start };
}

/** A one-line question through `instance`; resolves to the answer's text. */
export async function ask(instance: Instance, model = 'claude-sonnet-4-6'): Promise<string> {
  const message = await instance.client.messages.create({
    model,
    max_tokens: 16,
    messages: [user('hi')],
  });
  return message.content[0]?.type === 'text' ? message.content[0].text : '';
}
