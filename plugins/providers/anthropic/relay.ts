import {
  ProxyError,
  SseParser,
  StreamGuard,
  serializeEvent,
  transportError,
  type Message,
  type ProxyContext,
  type Relay,
  type SseMessage,
  type StreamEvent,
  type UpstreamResponse,
} from '../../../core/index.ts';
import { messageToEvents } from './response.ts';

/**
 * The upstream response headers a client receives (F4): the answer's type, Anthropic's own
 * (`anthropic-ratelimit-*`…) and the SDK's retry hints. Not `set-cookie`, not a CDN's or a
 * gateway's `x-*`, not framing or connection headers.
 */
const RELAYED =
  /^anthropic-|^(content-type|cache-control|retry-after|retry-after-ms|x-should-retry)$/;
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
    if (value !== undefined && RELAYED.test(name))
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const guard = new StreamGuard({
    source: label,
    // Read when the guard logs a repair, not now: the request's logger is made on first use.
    log: () => ctx.log,
    model: ctx.requestedModel,
    usage: ctx.usage,
    onStop: (reason) => (ctx.stopReason = reason),
  });
  const sse = (headers['content-type'] ?? '').includes('text/event-stream');
  const rename = renamedModel(ctx);
  const ok = response.statusCode < 300;
  return {
    status: response.statusCode,
    headers,
    body: (sse ? tapSse : tapJson)(response, guard, label, ok ? rename : null),
  };
}

/**
 * The model name the client must see in place of Anthropic's, or null (D20): the name it asked
 * for when its model was mapped; otherwise Anthropic's own (an alias comes back resolved, F3).
 */
export const renamedModel = (ctx: ProxyContext): string | null =>
  ctx.target.model === ctx.requestedModel ? null : ctx.requestedModel;

/** The end of the first SSE event in `bytes` (after its blank line), or -1 while incomplete. */
function firstEventEnd(bytes: Buffer): number {
  let end = -1;
  for (const blank of ['\n\n', '\r\n\r\n', '\r\r']) {
    const at = bytes.indexOf(blank);
    if (at >= 0 && (end < 0 || at + blank.length < end)) end = at + blank.length;
  }
  return end;
}

/** The `message_start` event block with `message.model` set to `model`; other blocks unchanged. */
function renameStart(block: Buffer, model: string): Buffer {
  const parsed: SseMessage[] = [];
  const parser = new SseParser();
  parser.feed(block.toString(), parsed);
  parser.end(parsed);
  const start = parsed[0];
  if (parsed.length !== 1 || start?.event !== 'message_start') return block;
  const event = JSON.parse(start.data) as StreamEvent & { type: 'message_start' };
  if (event.message.model === model) return block;
  event.message.model = model;
  return Buffer.from(serializeEvent(event));
}

async function* tapSse(
  response: UpstreamResponse,
  guard: StreamGuard,
  label: string,
  rename: string | null,
): AsyncGenerator<Uint8Array> {
  const parser = new SseParser(label);
  const messages: SseMessage[] = [];
  const out: StreamEvent[] = [];
  const watch = () => {
    for (const { event, data } of messages)
      if (WATCHED.has(event)) guard.push(JSON.parse(data) as StreamEvent, out);
    messages.length = 0;
    out.length = 0;
  };
  // With a model to rename, the bytes are held until the first event (`message_start`) is whole.
  let head: Buffer | null = rename === null ? null : Buffer.alloc(0);
  try {
    for await (let chunk of response.body as AsyncIterable<Buffer>) {
      if (head) {
        head = Buffer.concat([head, chunk]);
        const end = firstEventEnd(head);
        if (end < 0) continue;
        chunk = Buffer.concat([renameStart(head.subarray(0, end), rename!), head.subarray(end)]);
        head = null;
      }
      parser.feedBytes(chunk, messages);
      watch();
      yield chunk;
    }
  } catch (error) {
    throw transportError(error, label);
  }
  if (head?.length) {
    parser.feedBytes(head, messages);
    yield head;
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
  rename: string | null,
): AsyncGenerator<Uint8Array> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      // A Message to rename goes out whole, once read.
      if (rename === null) yield chunk;
    }
  } catch (error) {
    throw transportError(error, label);
  }
  const out: StreamEvent[] = [];
  const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Message;
  if (rename !== null) {
    message.model = rename;
    yield Buffer.from(JSON.stringify(message));
  }
  for (const event of messageToEvents(message)) guard.push(event, out);
}
