/**
 * The provider loop: the I/O every translated adapter runs around its pure pieces. An adapter says
 * how to build the upstream request, how to map a refusal, and how its chunks become Anthropic
 * events; the loop sends, reads and ends the answer, the same way for every adapter.
 *
 * One rule for a broken answer: an upstream that fails after it answered 200 (an error chunk, the
 * connection dropping, the body ending before the answer is complete) is a thrown `ProxyError`,
 * never an `error` event of the adapter's own. The core's one error path then gives the client
 * the HTTP status and JSON body before the first byte, one SSE `error` event after it (PROTOCOL
 * §3.1, E9–E11), and the router sees the failure with its status and `retry-after`, to fall back
 * or continue the answer on another target.
 */
import {
  batchedSource,
  callUpstream,
  transportError,
  type MessagesRequest,
  type ProxyContext,
  type ProxyError,
  type EventBatches,
  type StreamEvent,
  type UpstreamBody,
  type UpstreamResponse,
  type UpstreamTimeouts,
} from '../../../core/index.ts';
import type { Decoder, Framing } from './framing.ts';
import { jsonCall, readJson, readText } from './http.ts';

/** What the loop needs of an adapter's per-answer state: whether the message is complete. */
export interface LoopState {
  /** True once `message_stop` was produced: nothing more is read. */
  ended: boolean;
}

/** The upstream call an adapter builds for one request. */
export interface UpstreamRequest {
  url: string;
  /** The JSON body. */
  body: unknown;
  /** Whether the upstream was asked to stream (else one JSON answer is read). */
  stream: boolean;
}

/** A refused request, for an adapter that may adjust it and send it again. */
export interface Refusal {
  status: number;
  text: string;
  /** The request refused. */
  sent: UpstreamRequest;
}

/**
 * A translated adapter: its pure pieces, named the same in every adapter, and its settings.
 * `Chunk` is what the framing decodes (trusted to be the vendor's shape), `Whole` a JSON answer.
 */
export interface ProviderLoop<State extends LoopState, Chunk, Whole = Chunk> {
  /** The provider's configured name, in errors and logs. */
  provider: string;
  timeouts: UpstreamTimeouts;
  /** The configured headers, sent after the credential. */
  headers?: Record<string, string>;
  /** How the upstream frames a stream (`sseMessages`, `sseJson`, `ndjson`). */
  framing: Framing<Chunk>;
  /** The credential header(s) for this request. */
  credential(ctx: ProxyContext): Record<string, string>;
  /** The per-answer state the other pieces share (tool names, estimates, open blocks). */
  newState(ctx: ProxyContext, request: MessagesRequest): State;
  /** Anthropic request → the upstream call. */
  buildRequest(state: State, ctx: ProxyContext, request: MessagesRequest): UpstreamRequest;
  /** An error response → the client's error (the adapter's `errors.ts`). */
  toError(
    status: number,
    text: string,
    headers: UpstreamResponse['headers'],
    ctx: ProxyContext,
  ): ProxyError;
  /**
   * Optional: whether a refused request can be sent again, adjusted in `state` (OpenAI-compatible
   * servers lacking a parameter). Asked at most twice per request.
   */
  retry?(state: State, ctx: ProxyContext, refusal: Refusal): boolean;
  /** `message_start`, as soon as a streamed answer's headers arrive (B8). */
  startMessage(state: State, out: StreamEvent[]): void;
  /** One decoded stream chunk → its events; throws the mapped error for an error chunk. */
  chunkToEvents(state: State, chunk: Chunk, out: StreamEvent[]): void;
  /** A whole JSON answer → the events a stream of it would give. */
  responseToEvents(state: State, body: Whole, out: StreamEvent[]): void;
  /** The body ended before `ended`: completes the message, or throws for a cut answer (E10). */
  endStream(state: State, out: StreamEvent[]): void;
  /** Optional: after the answer, logs what the upstream got wrong without failing it. */
  report?(state: State, ctx: ProxyContext): void;
}

/** Retries of a refused request an adapter may ask for (`retry`). */
const MAX_RETRIES = 2;

/**
 * The provider call of a translated adapter: build, send, map errors, convert, end. A streamed
 * answer's events are converted as each chunk arrives (B7). The pipeline takes them a read at a
 * time (`EventBatches`): under load one read holds a dozen events, checked and written in one
 * async step instead of one each; anything else iterating `send` gets them one by one.
 */
export function runProvider<State extends LoopState, Chunk, Whole>(
  loop: ProviderLoop<State, Chunk, Whole>,
  ctx: ProxyContext,
  request: MessagesRequest,
): EventBatches {
  return batchedSource(() => readBatches(loop, ctx, request));
}

/** The events of one call, a read at a time; the array yielded is reused once resumed. */
async function* readBatches<State extends LoopState, Chunk, Whole>(
  loop: ProviderLoop<State, Chunk, Whole>,
  ctx: ProxyContext,
  request: MessagesRequest,
): AsyncGenerator<readonly StreamEvent[], void> {
  const state = loop.newState(ctx, request);
  const { response, stream } = await send(loop, state, ctx, request);
  const out: StreamEvent[] = [];
  // Some servers ignore a request to stream and answer with one JSON body.
  if (!stream || isWholeJson(response)) {
    try {
      loop.responseToEvents(state, (await readJson(response, loop.provider)) as Whole, out);
      if (!state.ended) loop.endStream(state, out);
      if (out.length) yield out;
    } finally {
      loop.report?.(state, ctx);
    }
    return;
  }
  const body = response.body;
  const decoder = loop.framing.decoder(loop.provider);
  const chunks: Chunk[] = [];
  const reads = body.iterator({ destroyOnReturn: false }); // `release` decides
  try {
    loop.startMessage(state, out);
    if (out.length) yield out;
    out.length = 0;
    for (let done = false; !done && !state.ended;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await reads.next();
      } catch (error) {
        throw ctx.abortSource.aborted ? error : transportError(error, loop.provider);
      }
      done = next.done === true;
      const failure = convert(loop, state, decoder, next, chunks, out);
      // What the chunk produced before it failed reaches the client ahead of the error.
      if (out.length) yield out;
      out.length = 0;
      if (failure) throw failure;
    }
  } finally {
    release(body, state.ended);
    loop.report?.(state, ctx);
  }
}

/**
 * One read of the body (or its end) decoded and converted onto `out`; a failure is returned, to
 * be thrown once the events before it are out.
 */
function convert<State extends LoopState, Chunk, Whole>(
  loop: ProviderLoop<State, Chunk, Whole>,
  state: State,
  decoder: Decoder<Chunk>,
  next: IteratorResult<Buffer>,
  chunks: Chunk[],
  out: StreamEvent[],
): Error | null {
  try {
    if (next.done) decoder.end(chunks);
    else decoder.feedBytes(next.value, chunks);
    for (const chunk of chunks) {
      loop.chunkToEvents(state, chunk, out);
      if (state.ended) break;
    }
    if (next.done && !state.ended) loop.endStream(state, out);
    return null;
  } catch (error) {
    return error as Error;
  } finally {
    chunks.length = 0;
  }
}

/**
 * A finished answer's last bytes (the chunked terminator, usually) are read so its keep-alive
 * connection goes back to the pool; destroying the body would close the socket and cost an
 * error object with a stack trace per request. An unfinished one is destroyed, aborting it.
 */
function release(body: UpstreamBody, finished: boolean): void {
  if (finished) body.dump().catch(() => undefined);
  else body.destroy();
}

/** A JSON answer to a request to stream (`application/json`; NDJSON is a stream). */
const isWholeJson = (response: UpstreamResponse): boolean =>
  /^application\/json/i.test(String(response.headers['content-type'] ?? ''));

/** Posts the request; a refusal is mapped, or adjusted and sent again when the adapter can. */
async function send<State extends LoopState, Chunk, Whole>(
  loop: ProviderLoop<State, Chunk, Whole>,
  state: State,
  ctx: ProxyContext,
  request: MessagesRequest,
): Promise<{ response: UpstreamResponse; stream: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const sent = loop.buildRequest(state, ctx, request);
    const call = jsonCall(ctx, {
      provider: loop.provider,
      url: sent.url,
      credential: loop.credential(ctx),
      headers: loop.headers,
      accept: sent.stream ? loop.framing.accept : 'application/json',
      body: sent.body,
      timeouts: loop.timeouts,
    });
    const response = await callUpstream(call, loop.provider);
    if (response.statusCode < 300) return { response, stream: sent.stream };
    const text = await readText(response, loop.provider);
    const refusal = { status: response.statusCode, text, sent };
    if (attempt < MAX_RETRIES && loop.retry?.(state, ctx, refusal)) continue;
    throw loop.toError(response.statusCode, text, response.headers, ctx);
  }
}
