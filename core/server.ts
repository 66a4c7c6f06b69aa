import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import type { MessagesRequest, StreamEvent } from './anthropic.ts';
import type { ProxyRuntime } from './app.ts';
import { ProxyContext, type ClientInfo, type Endpoint } from './context.ts';
import {
  ProxyError,
  asProxyError,
  errorBody,
  errorTypeForStatus,
  statusForErrorType,
} from './errors.ts';
import { requestId } from './ids.ts';
import { formatTarget, parseModelRef } from './models.ts';
import type { Outcome, Provider, Relay } from './plugin.ts';
import { MessageAccumulator } from './stream/accumulator.ts';
import { PING, SSE_HEADERS, serializeEvent } from './stream/sse-writer.ts';
import { estimateInputTokens } from './tokens.ts';
import { checkCountTokensBody, checkMessagesBody } from './validate-request.ts';
import { modelRoutes } from './routes/models.ts';

export interface ServerOptions {
  /** Silence after which a `ping` event is sent on an open stream. Default 10 s (PROTOCOL B8). */
  pingIntervalMs?: number;
}

/** Anthropic accepts bodies up to 32 MB (PROTOCOL §1.1); so does ccproxy. */
const BODY_LIMIT = '32mb';
const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/** The Koa application: routes of DESIGN §2, every failure an Anthropic error. */
export function createKoaApp(runtime: ProxyRuntime, options: ServerOptions = {}): Koa {
  const app = new Koa();
  const pingMs = options.pingIntervalMs ?? 10_000;
  const router = runtime.http;

  app.use(async (http, next) => {
    const id = requestId();
    http.state.id = id;
    http.set('request-id', id);
    try {
      await next();
      if (http.status === 404 && !http.body && http.respond !== false) {
        throw new ProxyError('not_found_error', 404, `No route for ${http.method} ${http.path}`);
      }
    } catch (error) {
      const e = bodyError(error) ?? asProxyError(error);
      if (e.status >= 500) runtime.log.error({ err: e.cause ?? e, id }, e.message);
      http.status = e.status;
      http.set(e.headers);
      http.body = errorBody(e, id);
    }
  });
  const parseOther = koaBody({
    textLimit: BODY_LIMIT,
    formLimit: '1mb',
    encoding: 'utf-8',
    patchKoa: true,
    includeUnparsed: true,
  });
  app.use(async (http, next) => {
    if (!http.is('application/json') || http.get('content-encoding')) {
      await parseOther(http, next);
      return;
    }
    await readJson(http);
    await next();
  });

  const serve = (endpoint: Endpoint) => (http: Koa.Context) =>
    handle(runtime, http, endpoint, pingMs);
  router.post('/v1/messages', serve('messages'));
  router.post('/v1/messages/count_tokens', serve('count_tokens'));
  modelRoutes(runtime, router);
  // Claude Code probes these before its first request (PROTOCOL §5.3): no auth, no upstream call.
  for (const path of ['/', '/api/hello']) {
    router.head(path, (http) => void (http.status = 200));
    router.get(path, (http) => void (http.body = { name: 'ccproxy', status: 'ok' }));
  }
  router.get('/health', (http) => void (http.body = { status: 'ok' }));
  // Claude Code posts telemetry here; accepted and dropped so it does not retry.
  router.post('/api/event_logging/batch', (http) => void (http.body = {}));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * Reads a JSON body once, keeping its text for a byte-exact passthrough (F1). Plain `JSON.parse`:
 * koa-body's parser re-scans every body for `__proto__` keys, a tenth of a request's CPU, and
 * ccproxy never merges client data into objects unguarded (overrides skips such keys).
 */
async function readJson(http: Koa.Context): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of http.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) {
      throw new ProxyError('request_too_large', 413, 'Request exceeds the maximum size of 32 MB');
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks, size).toString('utf8');
  http.request.rawBody = text;
  try {
    http.request.body = text ? (JSON.parse(text) as typeof http.request.body) : {};
  } catch (error) {
    throw new ProxyError(
      'invalid_request_error',
      400,
      `Invalid request body: ${(error as Error).message}`,
    );
  }
}

/** koa-body's parse failures as Anthropic errors (A3, A5). */
function bodyError(error: unknown): ProxyError | null {
  const status = (error as { status?: number } | null)?.status;
  if (ProxyError.is(error) || typeof status !== 'number') return null;
  if (status === 413)
    return new ProxyError('request_too_large', 413, 'Request exceeds the maximum size of 32 MB');
  if (status === 400 || status === 415) {
    return new ProxyError(
      'invalid_request_error',
      400,
      `Invalid request body: ${(error as Error).message}`,
    );
  }
  return new ProxyError(errorTypeForStatus(status), status, (error as Error).message);
}

async function handle(
  runtime: ProxyRuntime,
  http: Koa.Context,
  endpoint: Endpoint,
  pingMs: number,
) {
  const body: unknown = http.request.body;
  if (endpoint === 'messages') checkMessagesBody(body);
  else checkCountTokensBody(body);
  const request = body as MessagesRequest;
  const controller = new AbortController();
  http.res.once('close', () => {
    if (!http.res.writableFinished) controller.abort();
  });
  const explicit = parseModelRef(request.model, runtime.providers);
  const ctx = new ProxyContext({
    id: http.state.id as string,
    endpoint,
    request,
    raw: http.request.rawBody,
    client: clientInfo(http),
    target: explicit ?? { provider: '', model: request.model },
    route: explicit ? 'explicit' : 'default',
    log: runtime.log.child({ id: http.state.id as string }),
    signal: controller.signal,
  });
  const outcome: Outcome = {
    ok: false,
    status: 200,
    usage: ctx.usage,
    stopReason: null,
    durationMs: 0,
  };
  http.res.once('close', () => finish(runtime, ctx, outcome));
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
      http.body = { input_tokens: count };
      return;
    }
    await respond(runtime, http, ctx, outcome, pingMs);
  } catch (error) {
    throw fail(outcome, error);
  }
}

function clientInfo(http: Koa.Context): ClientInfo {
  const headers = http.req.headers;
  let key = headers['x-api-key'] as string | undefined;
  if (!key) {
    const match = /^bearer\s+(.+)$/i.exec(headers.authorization ?? '');
    key = match?.[1]?.trim();
  }
  return { ip: http.req.socket.remoteAddress ?? '', key, headers };
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
  http: Koa.Context,
  ctx: ProxyContext,
  outcome: Outcome,
  pingMs: number,
) {
  if (!runtime.pipeline.observesEvents) {
    const provider = providerFor(runtime, ctx);
    if (provider.relay)
      return relay(http, ctx, await provider.relay(ctx, ctx.request), outcome, pingMs);
  }
  // Resolved per call: a wrapping plugin (fallbacks) may change the target between calls.
  const send = (c: ProxyContext, request: MessagesRequest) =>
    providerFor(runtime, c).send(c, request);
  const label = (c: ProxyContext) => `provider "${c.target.provider}"`;
  const events = runtime.pipeline.events(ctx, send, label)[Symbol.asyncIterator]();
  // Auth, routing and an upstream refusal all surface here, while an HTTP status can still say so.
  const first = await events.next();
  if (!first.done && first.value.type === 'error') throw eventError(first.value);
  ctx.timings.firstEvent = performance.now();
  const target = formatTarget(ctx.target);
  if (!ctx.stream) {
    http.set('x-ccproxy-target', target);
    return respondJson(http, ctx, first, events, outcome);
  }
  http.respond = false;
  http.res.writeHead(200, { ...SSE_HEADERS, 'request-id': ctx.id, 'x-ccproxy-target': target });
  await writeSse(http.res, ctx, first, events, outcome, pingMs);
}

async function respondJson(
  http: Koa.Context,
  ctx: ProxyContext,
  first: IteratorResult<StreamEvent>,
  events: AsyncIterator<StreamEvent>,
  outcome: Outcome,
) {
  const accumulator = new MessageAccumulator();
  for (let r = first; !r.done; r = await events.next()) accumulator.push(r.value);
  const message = accumulator.result();
  outcome.message = message;
  outcome.ok = true;
  outcome.stopReason = message.stop_reason;
  http.body = message;
}

/**
 * Writes events as they come, honouring backpressure; a `ping` goes out after `pingMs` of silence
 * so that Claude Code's idle watchdog never fires on a slow upstream (PROTOCOL §3.4).
 */
async function writeSse(
  res: ServerResponse,
  ctx: ProxyContext,
  first: IteratorResult<StreamEvent>,
  events: AsyncIterator<StreamEvent>,
  outcome: Outcome,
  pingMs: number,
) {
  const alive = keepAlive(res, pingMs);
  try {
    for (let r = first; !r.done; r = await events.next()) {
      alive.touch();
      if (r.value.type === 'error') outcome.error = eventError(r.value);
      if (!res.write(serializeEvent(r.value))) await drained(res, ctx.signal);
    }
    outcome.ok = !outcome.error;
  } catch (error) {
    fail(outcome, error);
    const e = outcome.error!;
    if (!ctx.signal.aborted) {
      ctx.log.warn(
        { err: e.cause ?? e, plugin: e.plugin, hook: e.hook },
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
  http: Koa.Context,
  ctx: ProxyContext,
  answer: Relay,
  outcome: Outcome,
  pingMs: number,
) {
  ctx.timings.firstEvent = performance.now();
  const res = http.res;
  http.respond = false;
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
      if (!res.write(chunk)) await drained(res, ctx.signal);
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
    if (!ctx.signal.aborted && ctx.stream) {
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

function eventError(event: StreamEvent & { type: 'error' }): ProxyError {
  return new ProxyError(
    event.error.type,
    statusForErrorType(event.error.type),
    event.error.message,
  );
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
  if (ctx.signal.aborted && !outcome.error)
    fail(outcome, new ProxyError('api_error', 499, 'The client closed the request'));
  const e = outcome.error;
  ctx.log.info(
    {
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
