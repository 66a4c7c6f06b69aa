import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import Koa from 'koa';
import type { ProxyRuntime } from './app.ts';
import type { Endpoint } from './context.ts';
import { ProxyError, asProxyError, errorBody, errorTypeForStatus } from './errors.ts';
import {
  bodyDecodingError,
  isDecodingError,
  isJson,
  isPlainJson,
  readJsonBody,
} from './http/body.ts';
import { sendError } from './http/reply.ts';
import { requestId } from './ids.ts';
import { serveMessages, type MessagesOptions } from './messages.ts';
import { modelRoutes } from './routes/models.ts';

export interface ServerOptions {
  /** Silence after which a `ping` event is sent on an open stream. Default 10 s (PROTOCOL B8). */
  pingIntervalMs?: number;
}

const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  '/v1/messages': 'messages',
  '/v1/messages/count_tokens': 'count_tokens',
};

/**
 * The server's request listener. A JSON `POST` to a messages endpoint (every request Claude Code
 * makes there) is served on bare node:http; everything else (other routes, plugin routes, other
 * content types, compressed bodies) goes through Koa.
 */
export function createRequestListener(
  runtime: ProxyRuntime,
  options: ServerOptions = {},
): RequestListener {
  const messages: MessagesOptions = { pingMs: options.pingIntervalMs ?? 10_000 };
  const koa = createKoaApp(runtime, messages).callback();
  return (req, res) => {
    const query = req.url!.indexOf('?');
    const endpoint =
      req.method === 'POST'
        ? ENDPOINTS[query < 0 ? req.url! : req.url!.slice(0, query)]
        : undefined;
    if (endpoint && isPlainJson(req)) void serveJson(runtime, req, res, endpoint, messages);
    else void koa(req, res);
  };
}

async function serveJson(
  runtime: ProxyRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: Endpoint,
  options: MessagesOptions,
): Promise<void> {
  const id = requestId();
  let body;
  try {
    body = await readJsonBody(req);
  } catch (error) {
    const e = asProxyError(error);
    // The rest of a refused body is not read: the connection closes after the answer.
    if (e.status === 413) res.shouldKeepAlive = false;
    return sendError(res, e, id);
  }
  await serveMessages(runtime, { req, res, id }, endpoint, body.value, body.text, options);
}

/** The Koa application: the other routes of DESIGN §2, every failure an Anthropic error. */
function createKoaApp(runtime: ProxyRuntime, messages: MessagesOptions): Koa {
  const app = new Koa();
  const router = runtime.http;

  app.use(async (http, next) => {
    const id = requestId();
    http.state.id = id;
    http.set('request-id', id);
    try {
      await next();
      if (!http.body && http.respond !== false) unanswered(http);
    } catch (error) {
      const e = bodyError(error) ?? asProxyError(error);
      if (e.status >= 500) runtime.log.error({ err: e.cause ?? e, id }, e.message);
      http.status = e.status;
      http.set(e.headers);
      http.body = errorBody(e, id);
    }
  });
  // koa-body (and the form and multipart parsers it brings) loads on the first body that needs it:
  // its import costs a tenth of a second of start-up, and Claude Code never sends such a body.
  let parseBody: Promise<Koa.Middleware> | undefined;
  const loadParser = async (): Promise<Koa.Middleware> =>
    (await import('koa-body')).koaBody({
      jsonLimit: '32mb',
      textLimit: '32mb',
      formLimit: '1mb',
      encoding: 'utf-8',
      patchKoa: true,
      includeUnparsed: true,
    });
  app.use(async (http, next) => {
    if (http.method === 'POST' && isJson(http.req)) {
      const body = await readJsonBody(http.req);
      http.request.body = body.value as typeof http.request.body;
      http.request.rawBody = body.text;
      await next();
      return;
    }
    await (
      await (parseBody ??= loadParser())
    )(http, next);
  });

  // The messages endpoints reached through Koa: compressed or non-JSON bodies, which the checks
  // then refuse or accept as the hot path would.
  const serve = (endpoint: Endpoint) => (http: Koa.Context) => {
    http.respond = false;
    const exchange = { req: http.req, res: http.res, id: http.state.id as string };
    const { body, rawBody } = http.request;
    return serveMessages(runtime, exchange, endpoint, body, rawBody, messages);
  };
  router.post('/v1/messages', serve('messages'));
  router.post('/v1/messages/count_tokens', serve('count_tokens'));
  modelRoutes(runtime, router);
  // Claude Code probes these before its first request (PROTOCOL §5.3): no auth, no upstream call.
  for (const path of ['/', '/api/hello']) {
    router.head(path, (http) => void (http.status = 200));
    router.get(path, (http) => void (http.body = { name: 'ccproxy', status: 'ok' }));
  }
  runtime.health.route(router);
  // Claude Code posts telemetry here; accepted and dropped so it does not retry.
  router.post('/api/event_logging/batch', (http) => void (http.body = {}));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * The router's bare statuses as Anthropic errors: no route (404), or a route without this method
 * (405, its `Allow` header kept; an unknown method like TRACE too, rather than a 5xx).
 */
function unanswered(http: Koa.Context): void {
  const status = http.status;
  if (status === 404)
    throw new ProxyError('not_found_error', 404, `No route for ${http.method} ${http.path}`);
  if (status === 405 || status === 501)
    throw new ProxyError(
      'invalid_request_error',
      405,
      `Method ${http.method} is not allowed on ${http.path}`,
    );
}

/** koa-body's parse failures as Anthropic errors (A3, A5). */
function bodyError(error: unknown): ProxyError | null {
  if (ProxyError.is(error)) return null;
  if (isDecodingError(error)) return bodyDecodingError(error);
  const status = (error as { status?: number } | null)?.status;
  if (typeof status !== 'number') return null;
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
