import type { ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import { openai, type OpenAIOptions } from '../../../plugins/providers/openai/index.ts';
import { startTestProxy, type TestProxy } from '../../helpers/proxy.ts';
import { replyJson, replySse, scriptedUpstream, sseData, type ScriptedUpstream, type UpstreamHandler } from '../../helpers/upstream.ts';
import type { ChatChunk, ChatResponse } from '../../../plugins/providers/openai/types.ts';

/** A chunk as OpenAI streams it: one choice with `delta`, optionally a `finish_reason`. */
export function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Partial<ChatChunk> = {}): ChatChunk {
  return {
    id: 'chatcmpl-1',
    model: 'gpt-4o',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  } as ChatChunk;
}

/** The final `choices: []` usage chunk of `stream_options.include_usage`. */
export const usageChunk = (prompt: number, completion: number, cached = 0): ChatChunk => ({
  id: 'chatcmpl-1',
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, prompt_tokens_details: { cached_tokens: cached } },
});

/** Streams chunks as `data:` lines, then `[DONE]` unless `done: false`. */
export function streamOf(chunks: readonly (ChatChunk | string)[], options: { done?: boolean; end?: 'end' | 'destroy' | 'hang'; delayMs?: number } = {}): UpstreamHandler {
  return (_req, res: ServerResponse) =>
    replySse(res, [...chunks.map((c) => (typeof c === 'string' ? c : sseData(c))), ...(options.done === false ? [] : ['data: [DONE]\n\n'])], {
      end: options.end,
      delayMs: options.delayMs,
    });
}

/** A non-streaming Chat Completions response. */
export function completion(message: Record<string, unknown>, finish = 'stop', usage = { prompt_tokens: 20, completion_tokens: 5 }): ChatResponse {
  return { id: 'chatcmpl-1', model: 'gpt-4o', choices: [{ message, finish_reason: finish }], usage } as ChatResponse;
}

/**
 * One scripted OpenAI-compatible upstream answering both ways: streamed requests get `chunks` as
 * SSE, non-streaming ones get `response` (or the fold of `chunks` is not attempted: pass both).
 */
export function openaiReply(chunks: readonly (ChatChunk | string)[], response?: ChatResponse): UpstreamHandler {
  return (req, res, http) => {
    if (req.body?.stream === false && response) return replyJson(res, 200, response);
    return streamOf(chunks)(req, res, http);
  };
}

export interface Setup {
  upstream: ScriptedUpstream;
  proxy: TestProxy;
}

/** A scripted upstream and a proxy with one `openai()` provider pointing at it. */
export async function setup(t: TestContext, handler: UpstreamHandler | UpstreamHandler[], options: OpenAIOptions = {}): Promise<Setup> {
  const upstream = await scriptedUpstream(t, handler);
  const proxy = await startTestProxy(t, { plugins: [openai({ baseUrl: `${upstream.url}/v1`, apiKey: 'sk-upstream', ...options })] });
  return { upstream, proxy };
}
