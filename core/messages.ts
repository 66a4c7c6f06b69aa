import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestAbort } from './abort.ts';
import type { MessagesRequest, StreamEvent } from './anthropic.ts';
import type { ProxyRuntime } from './app.ts';
import { ProxyContext, type ClientInfo, type Endpoint } from './context.ts';
import { ProxyError, asProxyError, errorFromEvent } from './errors.ts';
import { sendError, sendJson } from './http/reply.ts';
import { failureFields, logFailure } from './log.ts';
import { formatTarget, parseModelRef } from './models.ts';
import type { Outcome, Provider, Relay } from './plugin.ts';
import type { GuardedEvents } from './pipeline/guarded.ts';
import { MessageAccumulator } from './stream/accumulator.ts';
import { PING, SSE_HEADERS, serializeEvent } from './stream/sse-writer.ts';
import { redactError } from './secrets.ts';
import { estimateInputTokens } from './tokens.ts';
import { checkCountTokensBody, checkMessagesBody } from './validate-request.ts';

/**
 * `POST /v1/messages` and `/v1/messages/count_tokens`: the hot path, on bare node:http (the server
 * routes them here before Koa, which costs a tenth of a request). Every answer, error included, is
 * written here; nothing is thrown to the caller.
 */

/** One HTTP exchange on a messages endpoint. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** `req_…`: the `request-id` header and the log's id. */
  id: string;
  /** Read from the headers before the body (and checked by `onHeaders` hooks). */
  client: ClientInfo;
}

export interface MessagesOptions {
  /** Silence after which a `ping` event is sent on an open stream (PROTOCOL B8). */
  pingMs: number;
}

/** Serves one request whose body is parsed (`raw`: its text, when kept for a passthrough). */
export async function serveMessages(
  runtime: ProxyRuntime,
  exchange: Exchange,
  endpoint: Endpoint,
  body: unknown,
  raw: string | undefined,
  options: MessagesOptions,
): Promise<void> {
  try {
    await handle(runtime, exchange, endpoint, body, raw, options.pingMs);
  } catch (error) {
    const e = asProxyError(error);
    logFailure(runtime.log, e, { id: exchange.id });
    if (!exchange.res.headersSent) sendError(exchange.res, e, exchange.id);
    else exchange.res.end();
  }
}

async function handle(
  runtime: ProxyRuntime,
  exchange: Exchange,
  endpoint: Endpoint,
  body: unknown,
  raw: string | undefined,
  pingMs: number,
) {
  if (endpoint === 'messages') checkMessagesBody(body);
  else checkCountTokensBody(body);
  const request = body as MessagesRequest;
  const abort = new RequestAbort();
  const res = exchange.res;
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const explicit = parseModelRef(request.model, runtime.providers);
  const ctx = new ProxyContext({
    id: exchange.id,
    endpoint,
    request,
    raw,
    client: exchange.client,
    target: explicit ?? { provider: '', model: request.model },
    route: explicit ? 'explicit' : 'default',
    log: () => runtime.log.child({ id: exchange.id }),
    abort,
    secrets: runtime.secrets,
  });
  const outcome: Outcome = {
    ok: false,
    status: 200,
    usage: ctx.usage,
    stopReason: null,
    durationMs: 0,
  };
  res.once('close', () => finish(runtime, ctx, outcome));
  try {
    const hooks = runtime.pipeline.runOnRequest(ctx);
    if (hooks) await hooks;
    const provider = providerFor(runtime, ctx);
    if (endpoint === 'count_tokens') {
      const count = provider.countTokens
        ? await provider.countTokens(ctx, ctx.request)
        : estimateInputTokens(ctx.request);
      ctx.usage.input_tokens = count;
      outcome.ok = true;
      sendJson(res, 200, { input_tokens: count }, { 'request-id': ctx.id });
      return;
    }
    await respond(runtime, res, ctx, outcome, pingMs, provider);
  } catch (error) {
    // Relay and count_tokens errors come straight from the provider, not through the pipeline.
    const e = fail(
      outcome,
      redactError(error, (text) => ctx.redact(text)),
    );
    // An upstream call may be under way (a failure after its first event): it must not outlive
    // the answer.
    abort.abort(e);
    throw e;
  }
}

/** The provider for `ctx.target`; a bare model goes to the first provider listing it, else the first. */
function providerFor(runtime: ProxyRuntime, ctx: ProxyContext): Provider {
  if (!ctx.target.provider) {
    let chosen: Provider | undefined;
    for (const provider of runtime.providers.values()) {
      chosen ??= provider;
      if (provider.models?.includes(ctx.target.model)) {
        chosen = provider;
        break;
      }
    }
    ctx.target.provider = chosen!.name;
  }
  const provider = runtime.providers.get(ctx.target.provider);
  if (!provider) {
    const known = [...runtime.providers.keys()].join(', ');
    throw new ProxyError(
      'invalid_request_error',
      400,
      `Unknown provider "${ctx.target.provider}" in model "${ctx.requestedModel}"; configured: ${known}`,
    );
  }
  return provider;
}

async function respond(
  runtime: ProxyRuntime,
  res: ServerResponse,
  ctx: ProxyContext,
  outcome: Outcome,
  pingMs: number,
  provider: Provider,
) {
  if (!runtime.pipeline.observesEvents && provider.relay)
    return relay(res, ctx, await provider.relay(ctx, ctx.request), outcome, pingMs);
  // Resolved per call: a wrapping plugin (fallbacks) may change the target between calls.
  const send = (c: ProxyContext, request: MessagesRequest) =>
    (c.target.provider === provider.name ? provider : providerFor(runtime, c)).send(c, request);
  const label = (c: ProxyContext) => `provider "${c.target.provider}"`;
  const events = runtime.pipeline.events(ctx, send, label);
  // Auth, routing and an upstream refusal all surface here, while an HTTP status can still say so.
  const first = await events.next();
  if (!first.done && first.value.type === 'error') throw errorFromEvent(first.value);
  ctx.timings.firstEvent = performance.now();
  const target = formatTarget(ctx.target);
  if (!ctx.stream) return respondJson(res, ctx, first, events, outcome, target);
  res.writeHead(200, { ...SSE_HEADERS, 'request-id': ctx.id, 'x-ccproxy-target': target });
  await writeSse(res, ctx, first, events, outcome, pingMs);
}

async function respondJson(
  res: ServerResponse,
  ctx: ProxyContext,
  first: IteratorResult<StreamEvent>,
  events: GuardedEvents,
  outcome: Outcome,
  target: string,
) {
  const accumulator = new MessageAccumulator();
  for (let r = first; !r.done; r = await events.next()) {
    accumulator.push(r.value);
    for (let event = events.take(); event; event = events.take()) accumulator.push(event);
  }
  const message = accumulator.result();
  outcome.message = message;
  outcome.ok = true;
  outcome.stopReason = message.stop_reason;
  sendJson(res, 200, message, { 'request-id': ctx.id, 'x-ccproxy-target': target });
}

/**
 * Writes events as they come, honouring backpressure; a `ping` goes out after `pingMs` of silence
 * so that Claude Code's idle watchdog never fires on a slow upstream (PROTOCOL §3.4).
 */
async function writeSse(
  res: ServerResponse,
  ctx: ProxyContext,
  first: IteratorResult<StreamEvent>,
  events: GuardedEvents,
  outcome: Outcome,
  pingMs: number,
) {
  const alive = keepAlive(res, pingMs);
  try {
    for (let r = first; !r.done; r = await events.next()) {
      alive.touch();
      // The rest of the read's events, already checked, go out in the same step.
      for (let event: StreamEvent | undefined = r.value; event; event = events.take()) {
        if (event.type === 'error') outcome.error = errorFromEvent(event);
        if (!res.write(serializeEvent(event))) await drained(res, ctx.signal);
      }
    }
    outcome.ok = !outcome.error;
  } catch (error) {
    fail(outcome, error);
    const e = outcome.error!;
    if (!ctx.abortSource.aborted) {
      ctx.log.warn(
        { ...failureFields(ctx.log, e.cause ?? e), plugin: e.plugin, hook: e.hook },
        `stream failed: ${e.message}`,
      );
      res.write(serializeEvent({ type: 'error', error: { type: e.type, message: e.message } }));
    }
  } finally {
    alive.stop();
    outcome.stopReason = ctx.stopReason;
    res.end();
  }
}

/** Hands an upstream answer to the client unconverted (a native passthrough's fast path). */
async function relay(
  res: ServerResponse,
  ctx: ProxyContext,
  answer: Relay,
  outcome: Outcome,
  pingMs: number,
) {
  ctx.timings.firstEvent = performance.now();
  res.writeHead(answer.status, {
    ...answer.headers,
    'request-id': ctx.id,
    'x-ccproxy-target': formatTarget(ctx.target),
  });
  // A ping may go in only between two upstream events, never inside one the upstream is still writing.
  let between = true;
  const alive = ctx.stream ? keepAlive(res, pingMs, () => between) : null;
  try {
    for await (const chunk of answer.body) {
      alive?.touch();
      between = endsEvent(chunk);
      if (!res.write(scrubError(ctx, chunk))) await drained(res, ctx.signal);
    }
    outcome.ok = ctx.stopReason !== null;
    // Without a stop reason the upstream ended with its own `error` event, which the client saw.
    if (!outcome.ok)
      fail(
        outcome,
        new ProxyError(
          'api_error',
          502,
          `provider "${ctx.target.provider}" ended its answer with an error`,
        ),
      );
  } catch (error) {
    fail(outcome, error);
    const e = outcome.error!;
    if (!ctx.abortSource.aborted && ctx.stream) {
      // A blank line first ends any event the upstream cut in half.
      res.write(
        `\n\n${serializeEvent({ type: 'error', error: { type: e.type, message: e.message } })}`,
      );
    }
  } finally {
    alive?.stop();
    outcome.stopReason = ctx.stopReason;
    res.end();
  }
}

/**
 * Writes a `ping` event after `pingMs` without output, so that Claude Code's idle watchdog never
 * fires on a slow upstream (PROTOCOL §3.4, B8); `canPing` says whether the stream is at an
 * event boundary.
 */
function keepAlive(res: ServerResponse, pingMs: number, canPing: () => boolean = () => true) {
  let quiet = true;
  const timer = setInterval(() => {
    if (quiet && !res.writableEnded && canPing()) res.write(PING);
    quiet = true;
  }, pingMs);
  // A client that leaves ends the pings at once, even if the upstream never answers the abort.
  res.once('close', () => clearInterval(timer));
  return { touch: () => void (quiet = false), stop: () => clearInterval(timer) };
}

/** True when a chunk of SSE ends with a blank line (`\n\n` or `\r\n\r\n`): an event ended there. */
const ERROR_EVENT = Buffer.from('event: error');

/**
 * A relayed chunk holding an `error` event, with the proxy's credentials replaced: an upstream
 * that echoes the request's headers in its error would hand them to the client. Other chunks pass
 * untouched (the relay does not decode the answer); an error split across two chunks is scrubbed
 * in the part that names it.
 */
function scrubError(ctx: ProxyContext, chunk: Uint8Array): Uint8Array | string {
  const bytes = Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (!bytes.includes(ERROR_EVENT)) return chunk;
  const text = bytes.toString('utf8');
  const scrubbed = ctx.scrub(text);
  // Unchanged bytes go as they came (a character cut at the chunk's end stays whole).
  return scrubbed === text ? chunk : scrubbed;
}

function endsEvent(chunk: Uint8Array): boolean {
  const n = chunk.length;
  return (
    n >= 2 &&
    chunk[n - 1] === 10 &&
    (chunk[n - 2] === 10 || (chunk[n - 2] === 13 && chunk[n - 3] === 10))
  );
}

async function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  await once(res, 'drain', { signal });
}

function fail(outcome: Outcome, error: unknown): ProxyError {
  const e = asProxyError(error);
  outcome.ok = false;
  outcome.error = e;
  outcome.status = e.status;
  return e;
}

function finish(runtime: ProxyRuntime, ctx: ProxyContext, outcome: Outcome): void {
  ctx.timings.end = performance.now();
  outcome.durationMs = Math.round((ctx.timings.end - ctx.timings.start) * 10) / 10;
  if (ctx.abortSource.aborted && !outcome.error)
    fail(outcome, new ProxyError('api_error', 499, 'The client closed the request'));
  const e = outcome.error;
  runtime.requestLog.info(
    {
      id: ctx.id,
      model: ctx.requestedModel,
      target: formatTarget(ctx.target),
      route: ctx.route,
      status: outcome.status,
      in: ctx.usage.input_tokens,
      out: ctx.usage.output_tokens,
      ms: outcome.durationMs,
      ...(e && { error: e.message, plugin: e.plugin, hook: e.hook }),
    },
    'request',
  );
  runtime.pipeline.finish(ctx, outcome);
}
