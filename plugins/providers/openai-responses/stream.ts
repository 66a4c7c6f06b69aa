import {
  ProxyError,
  type MessageDeltaEvent,
  type StopReason,
  type StreamEvent,
  type Usage,
} from '../../../core/index.ts';
import { BlockWriter } from '../shared/blocks.ts';
import { statusForErrorCode, upstreamError } from '../shared/errors.ts';
import type { ToolNames } from '../shared/tool-names.ts';
import { clientToolId } from '../shared/tool-ids.ts';
import { finalUsage, startUsageOf, type TokenCounts } from '../shared/usage.ts';
import type { OutputItem, ResponseError, ResponseObject, ResponsesEvent } from './types.ts';
import { reasoningPayload } from './reasoning.ts';

/** What one Responses answer has produced so far; the caller owns it, one per response. */
export interface ResponsesStreamState {
  readonly writer: BlockWriter;
  readonly provider: string;
  readonly model: string;
  readonly estimate: number;
  readonly names: ToolNames;
  /** The function-call item whose block is open, and whether its arguments streamed. */
  call: { id: string | undefined; streamed: boolean } | null;
  /** True once `message_stop` was produced. */
  ended: boolean;
}

/** The state of one answer, before its first event. */
export function newState(
  provider: string,
  model: string,
  estimate: number,
  names: ToolNames,
): ResponsesStreamState {
  return {
    writer: new BlockWriter('responses'),
    provider,
    model,
    estimate,
    names,
    call: null,
    ended: false,
  };
}

/** `message_start` as soon as the upstream answers (B8); a whole answer starts with its counts. */
export function startMessage(state: ResponsesStreamState, out: StreamEvent[]): void {
  state.writer.start(out, state.model, state.estimate);
}

/**
 * One Responses stream event in; its Anthropic events onto `out` (PROTOCOL §9; J2, J3): one block
 * per output item — reasoning → thinking (its `encrypted_content` in the signature), message →
 * text, function_call → tool_use with `call_id` as its id.
 */
export function eventToEvents(
  state: ResponsesStreamState,
  event: ResponsesEvent,
  out: StreamEvent[],
): void {
  const writer = state.writer;
  if (!writer.hasStarted) writer.start(out, state.model, startOf(state, event));
  switch (event.type) {
    case 'response.output_item.added':
      return itemAdded(state, (event as { item: OutputItem }).item, out);
    case 'response.output_item.done':
      return itemDone(state, (event as { item: OutputItem }).item, out);
    case 'response.output_text.delta':
    case 'response.refusal.delta':
      return writer.text(out, (event as { delta: string }).delta);
    case 'response.function_call_arguments.delta': {
      const { item_id, delta } = event as { item_id?: string; delta: string };
      if (!state.call || (item_id && state.call.id && item_id !== state.call.id)) return;
      state.call.streamed = true;
      return writer.toolJson(out, delta);
    }
    case 'response.reasoning_summary_part.added':
      // Summary parts are paragraphs: keep them apart in one thinking block.
      if (((event as { summary_index?: number }).summary_index ?? 0) > 0)
        writer.thinking(out, '\n\n');
      return;
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      return writer.thinking(out, (event as { delta: string }).delta);
    case 'response.completed':
    case 'response.incomplete':
      return finish(state, (event as { response: ResponseObject }).response, out);
    case 'response.failed':
      throw failure(state.provider, (event as { response: ResponseObject }).response.error);
    case 'error':
      throw failure(state.provider, event as ResponseError);
  }
}

function itemAdded(state: ResponsesStreamState, item: OutputItem, out: StreamEvent[]): void {
  if (item.type !== 'function_call') return;
  state.writer.toolUse(
    out,
    clientToolId(item.call_id ?? item.id),
    state.names.client(item.name ?? ''),
  );
  state.call = { id: item.id, streamed: false };
  if (item.arguments) {
    state.call.streamed = true;
    state.writer.toolJson(out, item.arguments);
  }
}

function itemDone(state: ResponsesStreamState, item: OutputItem, out: StreamEvent[]): void {
  if (item.type === 'function_call') {
    // Arguments that were never streamed arrive whole here.
    if (state.call && !state.call.streamed) state.writer.toolJson(out, item.arguments ?? '');
    state.call = null;
    state.writer.close(out);
  } else if (item.type === 'reasoning') {
    if (item.encrypted_content && item.id)
      state.writer.seal(out, reasoningPayload(item.id, item.encrypted_content));
    else state.writer.close(out);
  }
}

/**
 * `message_start` usage: a whole (non-streamed) Response opens with its `response.created`
 * carrying the real counts; a stream's `response.created` has none yet, so the estimate.
 */
function startOf(state: ResponsesStreamState, event: ResponsesEvent): Usage | number {
  const response = (event as { response?: ResponseObject }).response;
  return startUsageOf(countsOf(response?.usage), state.estimate);
}

function countsOf(u: ResponseObject['usage']): TokenCounts | null {
  return u
    ? {
        input: u.input_tokens,
        output: u.output_tokens,
        cacheRead: u.input_tokens_details?.cached_tokens ?? 0,
      }
    : null;
}

function finish(state: ResponsesStreamState, response: ResponseObject, out: StreamEvent[]): void {
  state.ended = true;
  const usage: MessageDeltaEvent['usage'] = finalUsage(countsOf(response.usage), {
    input: state.estimate,
    output: 1,
  });
  state.writer.finish(out, stopReason(response), usage);
}

function stopReason(response: ResponseObject): StopReason {
  if (response.status !== 'incomplete') return 'end_turn';
  return response.incomplete_details?.reason === 'content_filter' ? 'refusal' : 'max_tokens';
}

function failure(provider: string, error: ResponseError | null | undefined): ProxyError {
  const code = error?.code ?? undefined;
  return upstreamError({
    provider,
    status: statusForErrorCode(code),
    message: error?.message ?? 'the response failed',
    code,
  });
}

/** The end of the upstream body: a stream that never completed is an error (E10). */
export function endStream(state: ResponsesStreamState): void {
  if (!state.ended)
    throw new ProxyError(
      'api_error',
      502,
      `${state.provider}: the response ended before response.completed`,
    );
}

/** A whole Response (non-streaming answer) → the events a stream of it would give (D17). */
export function responseToEvents(
  state: ResponsesStreamState,
  response: ResponseObject,
  out: StreamEvent[],
): void {
  for (const event of responseAsEvents(response)) eventToEvents(state, event, out);
}

/**
 * A whole Response as the stream events that describe it, so one converter serves both (D17's
 * rule for this wire).
 */
export function responseAsEvents(response: ResponseObject): ResponsesEvent[] {
  const events: ResponsesEvent[] = [{ type: 'response.created', response }];
  for (const item of response.output ?? []) {
    events.push({ type: 'response.output_item.added', item: { ...item, arguments: '' } });
    if (item.type === 'reasoning') {
      (item.summary ?? []).forEach((part, i) => {
        events.push({ type: 'response.reasoning_summary_part.added', summary_index: i });
        events.push({
          type: 'response.reasoning_summary_text.delta',
          summary_index: i,
          delta: part.text,
        });
      });
    }
    for (const part of item.type === 'message' ? (item.content ?? []) : []) {
      events.push({ type: 'response.output_text.delta', delta: part.text ?? part.refusal ?? '' });
    }
    events.push({ type: 'response.output_item.done', item });
  }
  const status =
    response.status === 'failed'
      ? 'response.failed'
      : response.status === 'incomplete'
        ? 'response.incomplete'
        : 'response.completed';
  events.push({ type: status, response });
  return events;
}
