import {
  ProxyError,
  SseParser,
  StreamGuard,
  transportError,
  type Message,
  type ProxyContext,
  type Relay,
  type SseMessage,
  type StreamEvent,
} from '../../../core/index.ts';
import type { callUpstream } from '../../../core/index.ts';
import { messageToEvents } from './response.ts';

type UpstreamResponse = Awaited<ReturnType<typeof callUpstream>>;

/** Response headers that describe one connection or one framing, not the answer. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'request-id',
  'date',
]);
/** The events that carry usage and the end of the message: the only ones the relay parses. */
const WATCHED = new Set(['message_start', 'message_delta', 'message_stop', 'error']);

/**
 * Anthropic's answer for the client as it came (PROTOCOL F3): the bytes are forwarded untouched,
 * while the events that carry usage and the stop reason are parsed on the side into
 * `ctx.usage` and `ctx.stopReason` for logs and `onFinish`. An upstream connection that breaks, or
 * ends before `message_stop`, throws.
 */
export function relayAnswer(ctx: ProxyContext, response: UpstreamResponse, label: string): Relay {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name))
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const guard = new StreamGuard({
    source: label,
    log: ctx.log,
    model: ctx.requestedModel,
    usage: ctx.usage,
    onStop: (reason) => (ctx.stopReason = reason),
  });
  const sse = (headers['content-type'] ?? '').includes('text/event-stream');
  return {
    status: response.statusCode,
    headers,
    body: (sse ? tapSse : tapJson)(response, guard, label),
  };
}

async function* tapSse(
  response: UpstreamResponse,
  guard: StreamGuard,
  label: string,
): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const messages: SseMessage[] = [];
  const out: StreamEvent[] = [];
  const watch = () => {
    for (const { event, data } of messages)
      if (WATCHED.has(event)) guard.push(JSON.parse(data) as StreamEvent, out);
    messages.length = 0;
    out.length = 0;
  };
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      parser.feed(decoder.decode(chunk, { stream: true }), messages);
      watch();
      yield chunk;
    }
  } catch (error) {
    throw transportError(error, label);
  }
  parser.end(messages);
  watch();
  if (!guard.finished)
    throw new ProxyError('api_error', 502, `${label}: the response ended before it was complete`);
}

async function* tapJson(
  response: UpstreamResponse,
  guard: StreamGuard,
  label: string,
): AsyncGenerator<Uint8Array> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      yield chunk;
    }
  } catch (error) {
    throw transportError(error, label);
  }
  const out: StreamEvent[] = [];
  const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Message;
  for (const event of messageToEvents(message)) guard.push(event, out);
}
