import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import type { MessagesRequest, Plugin, StreamEvent, Tool } from '../../../core/index.ts';
import { boost, type BoostOptions, type PlannerOptions } from '../../../plugins/boost/index.ts';
import { modelMap } from '../../../plugins/model-map/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { replyJson, scriptedUpstream, type RecordedRequest, type UpstreamHandler } from '../../helpers/upstream.ts';

/** Claude Code's tools, as it sends them. */
export const claudeCodeTools = (
  JSON.parse(readFileSync(new URL('../../fixtures/boost/claude-code-tools.json', import.meta.url), 'utf8')) as { tools: Tool[] }
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
  (_req, res: ServerResponse) =>
    replyJson(res, status, { error: { message: `planner failure ${status}`, type: 'server_error' } });

type Reply = (request: MessagesRequest) => StreamEvent[];

/** The executor's answer: one tool call. */
export const callsTool =
  (name: string, input: unknown): Reply =>
  () =>
    message([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'On it.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_exec1', name, input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: JSON.stringify(input) } },
      { type: 'content_block_stop', index: 1 },
    ], 'tool_use');

/** The executor's answer: text only. */
export const answers =
  (text: string): Reply =>
  () =>
    message([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
      { type: 'content_block_stop', index: 0 },
    ], 'end_turn');

function message(blocks: StreamEvent[], stop: 'tool_use' | 'end_turn'): StreamEvent[] {
  return [
    {
      type: 'message_start',
      message: {
        id: 'msg_exec', type: 'message', role: 'assistant', model: 'cheap-model', content: [],
        stop_reason: null, stop_sequence: null, usage: { input_tokens: 500, output_tokens: 1 },
      },
    },
    ...blocks,
    { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { input_tokens: 500, output_tokens: 40 } },
    { type: 'message_stop' },
  ];
}

/** A provider named `exec` answering the n-th request with the n-th reply (the last repeats). */
export function fakeExecutor(replies: Reply[]): { plugin: Plugin; requests: MessagesRequest[] } {
  const requests: MessagesRequest[] = [];
  const plugin: Plugin = {
    name: 'exec',
    setup(app) {
      app.registerProvider({
        name: 'exec',
        async *send(_ctx, request) {
          requests.push(structuredClone(request));
          yield* replies[Math.min(requests.length, replies.length) - 1]!(request);
        },
      });
    },
  };
  return { plugin, requests };
}

export interface BoostSetup {
  planner: UpstreamHandler | UpstreamHandler[];
  executor?: Reply[];
  options?: Partial<Omit<BoostOptions, 'planner'>> & { planner?: Partial<PlannerOptions> };
  /** Plugins listed before boost (custom headers, overrides). */
  before?: Plugin[];
}

/** ccproxy with model-map (opus → exec,cheap-model; haiku → exec,small-model) and boost on `big`. */
export async function startBoost(t: TestContext, setup: BoostSetup) {
  const planner = await scriptedUpstream(t, setup.planner);
  const executor = fakeExecutor(setup.executor ?? [callsTool('Read', { file_path: '/repo/a.txt' })]);
  const { options = {} } = setup;
  const proxy = await startTestProxy(t, {
    plugins: [
      executor.plugin,
      ...(setup.before ?? []),
      modelMap({ big: 'exec,cheap-model', small: 'exec,small-model' }),
      boost({
        tiers: ['big'],
        ...options,
        planner: { baseUrl: `${planner.url}/v1`, apiKey: 'sk-planner', model: 'planner-model', ...options.planner },
      }),
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
      { type: 'text' as const, text: 'x-anthropic-billing-header: cc_version=2.1.200.abc; cc_entrypoint=cli; cch=1a2b3;' },
      { type: 'text' as const, text: "You are Claude Code, Anthropic's official CLI for Claude." },
      { type: 'text' as const, text: 'You are an interactive CLI tool that helps users with software engineering tasks.', cache_control: { type: 'ephemeral' as const } },
    ],
    tools: claudeCodeTools as never,
    messages: [{ role: 'user' as const, content: text }],
  };
}

/** The `usage.planner` of the final `message_delta` of a raw event stream. */
export async function plannerUsageOf(events: AsyncIterable<{ type: string; usage?: object }>): Promise<unknown> {
  let planner: unknown;
  for await (const event of events) {
    if (event.type === 'message_delta') planner = (event.usage as { planner?: unknown }).planner;
  }
  return planner;
}

/** The prompt a recorded planner request carried. */
export const promptOf = (request: RecordedRequest | undefined): string =>
  (request?.body as { messages: { content: string }[] }).messages[0]!.content;
