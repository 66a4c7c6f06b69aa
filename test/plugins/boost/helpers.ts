import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { Plugin, Tool } from '../../../core/index.ts';
import { boost, type BoostOptions } from '../../../plugins/boost/index.ts';
import { modelMap } from '../../../plugins/model-map/index.ts';
import { openai, type OpenAIOptions } from '../../../plugins/providers/openai/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import {
  replyJson,
  replySse,
  scriptedUpstream,
  sseData,
  type RecordedRequest,
  type UpstreamHandler,
} from '../../helpers/upstream.ts';

/** Claude Code's tools, as it sends them. */
export const claudeCodeTools = (
  JSON.parse(
    readFileSync(new URL('../../fixtures/boost/claude-code-tools.json', import.meta.url), 'utf8'),
  ) as { tools: Tool[] }
).tools;

/** A planner answering `content` the way chat completions do. */
export const plannerSays =
  (content: string, usage = { prompt_tokens: 120, completion_tokens: 30 }): UpstreamHandler =>
  (_req, res) =>
    replyJson(res, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'planner-model',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });

/** A planner failing with `status` and an OpenAI error body. */
export const plannerFails =
  (status: number): UpstreamHandler =>
  (_req, res) =>
    replyJson(res, status, {
      error: { message: `planner failure ${status}`, type: 'server_error' },
    });

interface Answer {
  text: string;
  call?: { name: string; arguments: string };
}

/** An OpenAI-compatible executor answering `answer`, streamed or not as the adapter asked. */
const executorSays =
  (answer: Answer): UpstreamHandler =>
  async (req, res) => {
    const usage = { prompt_tokens: 500, completion_tokens: 40, total_tokens: 540 };
    const calls = answer.call
      ? [{ id: 'call_exec1', type: 'function', function: answer.call }]
      : undefined;
    const finish = calls ? 'tool_calls' : 'stop';
    if (!(req.body as { stream?: boolean }).stream) {
      const message = {
        role: 'assistant',
        content: answer.text,
        ...(calls && { tool_calls: calls }),
      };
      return replyJson(res, 200, {
        id: 'chatcmpl-x',
        object: 'chat.completion',
        model: 'cheap-model',
        choices: [{ index: 0, message, finish_reason: finish }],
        usage,
      });
    }
    const chunk = (delta: object, finish_reason: string | null = null) =>
      sseData({
        id: 'chatcmpl-x',
        object: 'chat.completion.chunk',
        model: 'cheap-model',
        choices: [{ index: 0, delta, finish_reason }],
      });
    await replySse(res, [
      chunk({ role: 'assistant', content: answer.text }),
      ...(answer.call
        ? [
            chunk({
              tool_calls: [
                {
                  index: 0,
                  id: 'call_exec1',
                  type: 'function',
                  function: { name: answer.call.name, arguments: '' },
                },
              ],
            }),
            chunk({ tool_calls: [{ index: 0, function: { arguments: answer.call.arguments } }] }),
          ]
        : []),
      chunk({}, finish),
      sseData({
        id: 'chatcmpl-x',
        object: 'chat.completion.chunk',
        model: 'cheap-model',
        choices: [],
        usage,
      }),
      sseData('[DONE]'),
    ]);
  };

/** The executor's answer: a short text, then one tool call. */
export const callsTool = (name: string, input: unknown): UpstreamHandler =>
  executorSays({ text: 'On it.', call: { name, arguments: JSON.stringify(input) } });

/** The executor's answer: text only. */
export const answers = (text: string): UpstreamHandler => executorSays({ text });

/** An OpenAI chat request as the executor upstream received it. */
export interface ChatRequest {
  model: string;
  messages: { role: string; content: unknown }[];
  tools?: { type: string; function: { name: string } }[];
  tool_choice?: unknown;
  stream?: boolean;
}

export interface BoostSetup {
  planner: UpstreamHandler | UpstreamHandler[];
  executor?: UpstreamHandler[];
  options?: Partial<Omit<BoostOptions, 'planner'>>;
  /** Options of the planner's provider (`planner`, OpenAI-compatible, on the planner upstream). */
  plannerProvider?: Partial<OpenAIOptions>;
  /** Plugins listed before boost (custom headers, overrides). */
  before?: Plugin[];
}

/**
 * ccproxy with the OpenAI adapter as `exec` (a scripted executor upstream) and as `planner` (a
 * scripted planner upstream), model-map (opus → exec,cheap-model; haiku → exec,small-model) and
 * boost on the `big` tier planning with `planner,planner-model`.
 */
export async function startBoost(t: TestContext, setup: BoostSetup) {
  const planner = await scriptedUpstream(t, setup.planner);
  const upstream = await scriptedUpstream(
    t,
    setup.executor ?? [callsTool('Read', { file_path: '/repo/a.txt' })],
  );
  const executor = {
    upstream,
    get requests() {
      return upstream.requests.map((r) => r.body as ChatRequest);
    },
  };
  const { options = {} } = setup;
  const proxy = await startTestProxy(t, {
    plugins: [
      openai({ name: 'exec', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-exec' }),
      openai({
        name: 'planner',
        baseUrl: `${planner.url}/v1`,
        apiKey: 'sk-planner',
        ...setup.plannerProvider,
      }),
      ...(setup.before ?? []),
      modelMap({ big: 'exec,cheap-model', small: 'exec,small-model' }),
      boost({ tiers: ['big'], ...options, planner: 'planner,planner-model' }),
    ],
  });
  return { ...proxy, planner, executor };
}

/** A Claude Code-shaped request: attribution block, system prompt, tools, one user turn. */
export function claudeCodeRequest(text: string) {
  return {
    model: 'claude-opus-4-8',
    max_tokens: 4096,
    system: [
      {
        type: 'text' as const,
        text: 'x-anthropic-billing-header: cc_version=2.1.200.abc; cc_entrypoint=cli; cch=1a2b3;',
      },
      { type: 'text' as const, text: "You are Claude Code, Anthropic's official CLI for Claude." },
      {
        type: 'text' as const,
        text: 'You are an interactive CLI tool that helps users with software engineering tasks.',
        cache_control: { type: 'ephemeral' as const },
      },
    ],
    tools: claudeCodeTools as never,
    messages: [{ role: 'user' as const, content: text }],
  };
}

/** The `usage.planner` of the final `message_delta` of a raw event stream. */
export async function plannerUsageOf(
  events: AsyncIterable<{ type: string; usage?: object }>,
): Promise<unknown> {
  let planner: unknown;
  for await (const event of events) {
    if (event.type === 'message_delta') planner = (event.usage as { planner?: unknown }).planner;
  }
  return planner;
}

/** The prompt a recorded planner request carried. */
export const promptOf = (request: RecordedRequest | undefined): string =>
  (request?.body as { messages: { content: string }[] }).messages[0]!.content;
