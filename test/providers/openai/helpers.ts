import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import { readSse, type PluginOption } from '../../../core/index.ts';
import { openai, type OpenAIOptions } from '../../../plugins/providers/openai/index.ts';
import { startTestProxy, type TestProxy } from '../../helpers/proxy.ts';
import {
  replyJson,
  replySse,
  scriptedUpstream,
  sseData,
  type ScriptedUpstream,
  type UpstreamHandler,
} from '../../helpers/upstream.ts';
import type { ChatChunk, ChatResponse } from '../../../plugins/providers/openai/types.ts';

/** A chunk as OpenAI streams it: one choice with `delta`, optionally a `finish_reason`. */
export function chunk(
  delta: Record<string, unknown>,
  finish: string | null = null,
  extra: Partial<ChatChunk> = {},
): ChatChunk {
  return {
    id: 'chatcmpl-1',
    model: 'gpt-4o',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  };
}

/**
 * A chunk with one tool-call fragment: a call's first fragment names it (`start`), later ones
 * carry only an arguments piece.
 */
export function callChunk(
  index: number,
  args: string,
  start?: { id: string; name: string },
  extra: Record<string, unknown> = {},
): ChatChunk {
  const fn = start ? { name: start.name, arguments: args } : { arguments: args };
  const call = start
    ? { index, id: start.id, type: 'function', function: fn }
    : { index, function: fn };
  return chunk({ tool_calls: [call], ...extra });
}

/** The final `choices: []` usage chunk of `stream_options.include_usage`. */
export const usageChunk = (prompt: number, completion: number, cached = 0): ChatChunk => ({
  id: 'chatcmpl-1',
  choices: [],
  usage: {
    prompt_tokens: prompt,
    completion_tokens: completion,
    prompt_tokens_details: { cached_tokens: cached },
  },
});

/** Streams chunks as `data:` lines, then `[DONE]` unless `done: false`. */
export function streamOf(
  chunks: readonly (ChatChunk | string)[],
  options: { done?: boolean; end?: 'end' | 'destroy' | 'hang'; delayMs?: number } = {},
): UpstreamHandler {
  return (_req, res: ServerResponse) =>
    replySse(
      res,
      [
        ...chunks.map((c) => (typeof c === 'string' ? c : sseData(c))),
        ...(options.done === false ? [] : ['data: [DONE]\n\n']),
      ],
      {
        end: options.end,
        delayMs: options.delayMs,
      },
    );
}

/** A non-streaming Chat Completions response. */
export function completion(
  message: Record<string, unknown>,
  finish = 'stop',
  usage = { prompt_tokens: 20, completion_tokens: 5 },
): ChatResponse {
  return {
    id: 'chatcmpl-1',
    model: 'gpt-4o',
    choices: [{ message, finish_reason: finish }],
    usage,
  };
}

/**
 * One scripted OpenAI-compatible upstream answering both ways: streamed requests get `chunks` as
 * SSE, non-streaming ones get `response` (or the fold of `chunks` is not attempted: pass both).
 */
export function openaiReply(
  chunks: readonly (ChatChunk | string)[],
  response?: ChatResponse,
): UpstreamHandler {
  return (req, res, http) => {
    if (req.body?.stream === false && response) return replyJson(res, 200, response);
    return streamOf(chunks)(req, res, http);
  };
}

export interface Setup {
  upstream: ScriptedUpstream;
  proxy: TestProxy;
}

/** Proxy settings beyond the provider: plugins listed before it, the ping interval. */
export interface ProxyExtras {
  plugins?: PluginOption[];
  pingIntervalMs?: number;
}

/** A scripted upstream and a proxy with one `openai()` provider pointing at it. */
export async function setup(
  t: TestContext,
  handler: UpstreamHandler | UpstreamHandler[],
  options: OpenAIOptions = {},
  extras: ProxyExtras = {},
): Promise<Setup> {
  const upstream = await scriptedUpstream(t, handler);
  const provider = openai({ baseUrl: `${upstream.url}/v1`, apiKey: 'sk-upstream', ...options });
  const proxy = await startTestProxy(t, {
    plugins: [...(extras.plugins ?? []), provider],
    pingIntervalMs: extras.pingIntervalMs,
  });
  return { upstream, proxy };
}

/** An SSE event as the client received it: the `event:` name and the parsed data. */
export interface WireEvent {
  event: string;
  data: { type: string; [key: string]: unknown };
}

/**
 * Posts a Messages body (`stream: true` unless it says otherwise) with plain fetch: the response,
 * its parsed SSE events, and a JSON body when it is not a stream (errors).
 */
export async function rawStream(
  proxy: TestProxy,
  body: Record<string, unknown>,
): Promise<{ response: Response; events: WireEvent[]; json?: any }> {
  const response = await fetch(`${proxy.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-api-key': 'test-key',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify({ stream: true, ...body }),
  });
  const events: WireEvent[] = [];
  if (!response.headers.get('content-type')?.startsWith('text/event-stream'))
    return { response, events, json: await response.json() };
  if (response.body) {
    for await (const message of readSse(response.body as AsyncIterable<Uint8Array>)) {
      events.push({ event: message.event, data: JSON.parse(message.data) as WireEvent['data'] });
    }
  }
  return { response, events };
}

/**
 * The streaming grammar of PROTOCOL §3.1, checked on the wire (B2–B6, B10, B11): event names equal
 * types; `message_start` first and `message_stop` last; blocks opened one at a time with indices
 * 0, 1, 2…, each delta and stop for the open block; one `message_delta` with a stop reason.
 */
export function assertGrammar(events: readonly WireEvent[]): void {
  for (const { event, data } of events)
    assert.equal(event, data.type, 'B2: event name equals data.type');
  const types = events.map((e) => e.data.type).filter((type) => type !== 'ping');
  assert.equal(types[0], 'message_start', 'B3: first event');
  const start = events[0]!.data as unknown as {
    message: { content: unknown[]; stop_reason: unknown };
  };
  assert.deepEqual(start.message.content, []);
  assert.equal(start.message.stop_reason, null);
  assert.equal(types.at(-1), 'message_stop', 'B3: last event');
  assert.equal(types.filter((type) => type === 'message_delta').length, 1, 'B6: one message_delta');
  assert.equal(types.at(-2), 'message_delta', 'B6: message_delta precedes message_stop');
  let open = -1;
  let next = 0;
  let json = '';
  let signatureSeen = false;
  for (const { data } of events) {
    const index = data.index as number;
    if (data.type === 'content_block_start') {
      assert.equal(open, -1, 'B5: one block open at a time');
      assert.equal(index, next++, 'B5: indices rise by 1');
      open = index;
      json = '';
      signatureSeen = false;
      const block = data.content_block as Record<string, unknown>;
      if (block.type === 'tool_use')
        assert.deepEqual(block.input, {}, 'B10: tool_use starts with input {}');
      if (block.type === 'thinking')
        assert.deepEqual(block, { type: 'thinking', thinking: '', signature: '' }, 'B11');
    } else if (data.type === 'content_block_delta') {
      assert.equal(index, open, 'B4: delta for the open block');
      const delta = data.delta as Record<string, string>;
      if (delta.type === 'input_json_delta') json += delta.partial_json;
      if (delta.type === 'thinking_delta')
        assert.ok(!signatureSeen, 'B11: signature after the last thinking_delta');
      if (delta.type === 'signature_delta') signatureSeen = true;
    } else if (data.type === 'content_block_stop') {
      assert.equal(index, open, 'B4: stop of the open block');
      if (json) JSON.parse(json); // B10: the fragments form JSON
      open = -1;
    } else if (data.type === 'message_delta') {
      assert.equal(open, -1, 'B4: every block stopped before message_delta');
      assert.ok((data.delta as { stop_reason: unknown }).stop_reason, 'B6: non-null stop_reason');
    }
  }
}

/** Guard repairs are adapter bugs: the adapter must emit a correct stream itself. */
export function assertNoRepairs(proxy: TestProxy): void {
  const repairs = proxy.logs.filter((line) =>
    /stream repaired|malformed stream/.test(String(line.msg)),
  );
  assert.deepEqual(repairs, [], 'the stream guard had to repair the adapter’s stream');
}
