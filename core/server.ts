import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { ProxyRuntime } from './app.ts';
import type { ClientInfo, Endpoint } from './context.ts';
import { ProxyError, asProxyError, errorBody, errorTypeForStatus } from './errors.ts';
import { addressSet } from './http/address.ts';
import { bodyDecodingError, isDecodingError, isPlainJson, readJsonBody } from './http/body.ts';
import { readBody } from './http/read-body.ts';
import { clientInfo } from './http/client-info.ts';
import { sendError, sendJson } from './http/reply.ts';
import { requestId } from './ids.ts';
import { logFailure } from './log.ts';
import { serveMessages, type Exchange, type MessagesOptions } from './messages.ts';
import { modelRoutes } from './routes/models.ts';
import { probes, type Probe, type ProbeRequest } from './routes/probes.ts';

export interface ServerOptions {
  /** Silence after which a `ping` event is sent on an open stream. Default 10 s (PROTOCOL B8). */
  pingIntervalMs?: number;
}

/** A refused request's body up to this size is let through (discarded) to keep the connection. */
const DISCARD_LIMIT_BYTES = 1024 * 1024;

const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  '/v1/messages': 'messages',
  '/v1/messages/count_tokens': 'count_tokens',
};

/**
 * The server's request listener. A JSON `POST` to a messages endpoint (every request Claude Code
 * makes there) and the probes (`routes/probes.ts`: the other routes a Claude Code session calls)
 * are served on bare node:http; everything else (the UI, the admin API, plugin routes, other
 * content types, compressed bodies) goes through Koa, loaded on its first need.
 */
export function createRequestListener(
  runtime: ProxyRuntime,
  options: ServerOptions = {},
): RequestListener {
  const messages: MessagesOptions = { pingMs: options.pingIntervalMs ?? 10_000 };
  const trustProxy = runtime.server.trustProxy;
  const trusted = trustProxy?.length
    ? addressSet(trustProxy, `${runtime.source}: server.trustProxy`)
    : null;
  // The Koa path reads the client that the listener worked out, rather than a second copy.
  const clients = new WeakMap<IncomingMessage, ClientInfo>();
  const koa = lazyKoa((Koa) => createKoaApp(Koa, runtime, messages, (req) => clients.get(req)!));
  const bare = bareProbes(runtime);
  return (req, res) => {
    const query = req.url!.indexOf('?');
    const path = query < 0 ? req.url! : req.url!.slice(0, query);
    const client = clientInfo(req, trusted);
    try {
      runtime.pipeline.runOnHeaders({ method: req.method!, path, client });
    } catch (error) {
      return refuse(req, res, asProxyError(error));
    }
    const endpoint = req.method === 'POST' ? ENDPOINTS[path] : undefined;
    const probe = endpoint ? undefined : bare.get(`${req.method} ${path}`);
    if (endpoint && isPlainJson(req)) {
      void serveJson(runtime, { req, res, id: requestId(), client }, endpoint, messages);
    } else if (probe) {
      const search = new URLSearchParams(query < 0 ? '' : req.url!.slice(query + 1));
      void answerProbe(runtime, probe, { req, client, query: search }, res);
    } else {
      clients.set(req, client);
      koa(req, res);
    }
  };
}

/**
 * Answers a request refused on its headers. Its body is never held: Node discards what arrives.
 * A large or unannounced body closes the connection instead, rather than being received for
 * nothing (a client still sending may then see a reset rather than the answer).
 */
function refuse(req: IncomingMessage, res: ServerResponse, error: ProxyError): void {
  closeIfUnread(req, res);
  sendError(res, error, requestId());
}

/**
 * The probes answered without Koa: all but those a plugin's route claims (a plugin's routes come
 * first in Koa's router, so a plugin serving `GET /` keeps it). Read when the listener is made:
 * plugins have registered their routes, the core has not registered its own yet.
 */
function bareProbes(runtime: ProxyRuntime): ReadonlyMap<string, Probe> {
  return new Map(
    [...probes(runtime)].filter(([route]) => {
      const [method, path] = route.split(' ') as [string, string];
      return !runtime.http.match(path, method).route;
    }),
  );
}

async function answerProbe(
  runtime: ProxyRuntime,
  probe: Probe,
  request: ProbeRequest,
  res: ServerResponse,
): Promise<void> {
  const id = requestId();
  try {
    const { status, body } = await probe(request);
    if (body === undefined) res.writeHead(status, { 'request-id': id }).end();
    else sendJson(res, status, body, { 'request-id': id });
  } catch (error) {
    const e = asProxyError(error);
    logFailure(runtime.log, e, { id });
    closeAfterError(request.req, res, e);
    sendError(res, e, id);
  }
}

/**
 * Before an error answer: a body refused for its size is not read further; one refused before it
 * was read (a guard) is let through when small, else the connection closes.
 */
function closeAfterError(req: IncomingMessage, res: ServerResponse, error: ProxyError): void {
  if (error.status === 413) res.shouldKeepAlive = false;
  else closeIfUnread(req, res);
}

/** A large or unannounced body left unread closes the connection after the answer. */
function closeIfUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  const length = Number(req.headers['content-length'] ?? 0);
  if (req.headers['transfer-encoding'] || !(length <= DISCARD_LIMIT_BYTES)) {
    res.shouldKeepAlive = false;
  }
}

async function serveJson(
  runtime: ProxyRuntime,
  exchange: Exchange,
  endpoint: Endpoint,
  options: MessagesOptions,
): Promise<void> {
  let body;
  try {
    body = await readJsonBody(exchange.req);
  } catch (error) {
    const e = asProxyError(error);
    // The rest of a refused body is not read: the connection closes after the answer.
    if (e.status === 413) exchange.res.shouldKeepAlive = false;
    return sendError(exchange.res, e, exchange.id);
  }
  await serveMessages(runtime, exchange, endpoint, body.value, body.text, options);
}

/**
 * Koa's handler, Koa loaded on its first need: a Claude Code session never needs it (the messages
 * endpoints and the probes are served without it), and loading it (with the MIME tables its
 * request and response read at load) was a tenth of the start-up and 4 MB of an idle server's
 * memory. The first request that needs it (the UI, the admin API, `/metrics`) waits for it once.
 */
function lazyKoa(create: (Koa: typeof import('koa')) => Koa): RequestListener {
  let handler: ReturnType<Koa['callback']> | undefined;
  let loading: Promise<ReturnType<Koa['callback']>> | undefined;
  const load = () =>
    (loading ??= import('koa').then(({ default: Koa }) => (handler = create(Koa).callback())));
  return (req, res) => {
    if (handler) void handler(req, res);
    else void load().then((ready) => ready(req, res));
  };
}

/** The Koa application: the other routes of DESIGN §2, every failure an Anthropic error. */
function createKoaApp(
  Koa: typeof import('koa'),
  runtime: ProxyRuntime,
  messages: MessagesOptions,
  clientOf: (req: IncomingMessage) => ClientInfo,
): Koa {
  const app = new Koa();
  const router = runtime.http;

  app.use(async (http, next) => {
    const id = requestId();
    http.state.id = id;
    http.state.client = clientOf(http.req);
    http.set('request-id', id);
    try {
      await next();
      if (!http.body && http.respond !== false) unanswered(http);
    } catch (error) {
      const e = bodyError(error) ?? asProxyError(error);
      logFailure(runtime.log, e, { id });
      closeAfterError(http.req, http.res, e);
      http.status = e.status;
      http.set(e.headers);
      http.body = errorBody(e, id);
    }
  });
  // The probes the listener answers (a plugin's route on the same path wins, registered first);
  // here for the methods they refuse (405 with `Allow`).
  for (const [route, probe] of probes(runtime)) {
    const [method, path] = route.split(' ') as [string, string];
    router.register(path, [method], async (http) => {
      const client = http.state.client as ClientInfo;
      const answer = await probe({
        req: http.req,
        client,
        query: new URLSearchParams(http.querystring),
      });
      http.status = answer.status;
      if (answer.body !== undefined) http.body = answer.body;
    });
  }

  // The messages endpoints reached through Koa: compressed or non-JSON bodies, which the checks
  // then refuse or accept as the hot path would.
  const serve = (endpoint: Endpoint) => (http: Koa.Context) => {
    http.respond = false;
    const exchange = {
      req: http.req,
      res: http.res,
      id: http.state.id as string,
      client: http.state.client as ClientInfo,
    };
    const { body, rawBody } = http.request;
    return serveMessages(runtime, exchange, endpoint, body, rawBody, messages);
  };
  router.post('/v1/messages', readBody, serve('messages'));
  router.post('/v1/messages/count_tokens', readBody, serve('count_tokens'));
  modelRoutes(runtime, router);
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
