import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type {
  CountTokensRequest,
  Message,
  MessagesRequest,
  StopReason,
  StreamEvent,
  Usage,
} from './anthropic.ts';
import type { ResolvedConfig } from './config/load.ts';
import type { ClientAccess, ClientInfo, ProxyContext } from './context.ts';
import type { ProxyError } from './errors.ts';
import type { HealthCheck } from './health.ts';

/**
 * Calls the rest of the chain (inner plugins, then the provider). Re-entrant: a plugin may call it
 * zero, one or several times, one call after another. Given a request, the inner chain sees it as
 * `ctx.request` while it runs and the caller's request is restored when it ends; without one, the
 * current `ctx.request` is sent.
 */
export type Next = (request?: MessagesRequest) => AsyncIterable<StreamEvent>;

/** What `onEvent` returns: nothing passes the event on, `null` drops it, an array expands it. */
export type EventResult = StreamEvent | StreamEvent[] | null | undefined;

/** A request as its headers describe it, before its body is read. */
export interface RequestHead {
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  readonly client: ClientInfo;
}

export type OnHeaders = (head: RequestHead) => void;
export type OnRequest = (ctx: ProxyContext) => void | Promise<void>;
export type WrapStream = (ctx: ProxyContext, next: Next) => AsyncIterable<StreamEvent>;
export type OnEvent = (ctx: ProxyContext, event: StreamEvent) => EventResult;
export type OnFinish = (ctx: ProxyContext, outcome: Outcome) => void | Promise<void>;

/** How a request ended, handed to `onFinish` after the response is complete. */
export interface Outcome {
  /** True when the client received a complete answer. */
  ok: boolean;
  /** The HTTP status sent (200 for a stream that later failed: see `error`). */
  status: number;
  /** Set when `ok` is false. */
  error?: ProxyError;
  usage: Usage;
  stopReason: StopReason | null;
  /** The folded Message, for non-streaming clients. */
  message?: Message;
  /** Milliseconds from the request's arrival to the response's end. */
  durationMs: number;
}

/** A model as `GET /v1/models` lists it (PROTOCOL §5.2). */
export interface ModelInfo {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
  max_input_tokens?: number | null;
  max_tokens?: number | null;
  capabilities?: unknown;
}

/**
 * An upstream answer handed to the client as it came, status, headers and bytes: the native
 * Anthropic fast path, used only when no plugin has `wrapStream` or `onEvent`.
 */
export interface Relay {
  status: number;
  /** Response headers for the client (no hop-by-hop ones; core sets `request-id`). */
  headers: Record<string, string>;
  /**
   * The body, chunk for chunk. The adapter folds usage into `ctx.usage` and sets `ctx.stopReason`
   * as it passes; it throws when the upstream breaks off, and core then ends an SSE body with an
   * `error` event.
   */
  body: AsyncIterable<Uint8Array>;
}

/** A wire adapter, registered by a provider plugin in `setup`. */
export interface Provider {
  /** The name model references use: `name,model`. */
  name: string;
  /** Models served, for `/v1/models` and to resolve a bare model name. Default: none. */
  models?: readonly string[];
  /**
   * What it speaks and where, for listings (`GET /api/providers`) and `ccproxy export`: the
   * built-in adapters set it. Never the key itself.
   */
  about?: ProviderAbout;
  /** The upstream call: Anthropic stream events whether the upstream streamed or not. */
  send(ctx: ProxyContext, request: MessagesRequest): AsyncIterable<StreamEvent>;
  /**
   * The upstream answer unconverted, for a wire format equal to the client's. Core calls it instead
   * of `send` when no plugin observes events; it throws a ProxyError for an upstream error status.
   */
  relay?(ctx: ProxyContext, request: MessagesRequest): Promise<Relay>;
  /** The provider's own token count, when it has one. Default: a local estimate. */
  countTokens?(ctx: ProxyContext, request: CountTokensRequest): Promise<number>;
  /**
   * The upstream's own model list (its models endpoint), asked on demand by model discovery
   * (`GET /api/providers/{name}/models`). Throws a ProxyError naming the provider when the upstream
   * refuses or is unreachable. Default: the provider cannot list its models.
   */
  listModels?(signal: AbortSignal): Promise<DiscoveredModel[]>;
}

/** A provider's wire format, base URL and whether it holds a key of its own. */
export interface ProviderAbout {
  /** The factory that made it: `openai`, `anthropic`, `gemini`, `openai-responses`, `ollama`. */
  kind: string;
  /** Its base URL, as its factory takes it. */
  baseUrl: string;
  /** It sends a configured key (else the client's, or none). */
  keyed: boolean;
  /**
   * Whether `value` is its configured key: how `ccproxy export` finds the variable holding it
   * without the key ever leaving the provider.
   */
  isKey(value: string): boolean;
}

/** One model in a provider's own list. */
export interface DiscoveredModel {
  /** The id requests use after `provider,`. */
  id: string;
  /** The upstream's human name, when it gives one. */
  display_name?: string;
}

/** What a plugin's `setup` can reach. */
export interface ProxyApp {
  /** The server settings in force (after flags > environment > file > defaults). */
  readonly server: { readonly host: string; readonly port: number; readonly allowOpen: boolean };
  readonly log: Logger;
  /** The config's `redis` URL: plugins keeping cross-instance state use it unless told otherwise. */
  readonly redis: string | undefined;
  /** This instance's id (`CCPROXY_INSTANCE_ID`, else `host-pid`): in metrics, rows and logs. */
  readonly instance: string;
  /** The plugins of this runtime, resolved and in order (read only). */
  readonly plugins: readonly Plugin[];
  /** The environment the config was resolved with. */
  readonly env: NodeJS.ProcessEnv;
  /** The config in force: plugins read their top-level keys (`storage`, `history`…) here. */
  readonly config: ResolvedConfig;
  /**
   * Registers a provider; a second one with the same name stops start-up. After start-up (a
   * provider added through the admin API) it takes effect on the next request.
   */
  registerProvider(provider: Provider): void;
  /**
   * Registers a credential this plugin holds (an upstream key, a secret header value): core removes
   * it from upstream error text before the client, the log or `/health` sees it. `undefined` and
   * values under 8 characters are ignored.
   */
  addSecret(value: string | undefined): void;
  /**
   * `text` with every registered credential replaced and cut to 2 KB: upstream text a plugin shows
   * outside a request (a provider test's error in the admin API).
   */
  redact(text: string): string;
  /**
   * A setting that lets the server start but will fail requests (a cloud vendor's URL without a
   * key): logged at warn and listed in the start banner, so the user fixes it before the first
   * request fails.
   */
  warnAtStart(message: string): void;
  /** Removes a provider registered at run time; requests already sent to it finish. */
  unregisterProvider(name: string): boolean;
  readonly providers: ReadonlyMap<string, Provider>;
  /**
   * Declares that this plugin routes to `target`: start-up fails, naming `where`, if its provider
   * is not configured, and `/v1/models` lists it. `label` (`opus → big`) names it in the start-up
   * banner.
   */
  requireTarget(target: Target, where: string, label?: string): void;
  /** The HTTP router, for plugins that serve their own endpoints (`/api/*`, `/metrics`). */
  readonly http: Router;
  /**
   * The body reader for `http` routes that take one: list it after the route's guard
   * (`app.http.put(path, guard.write, app.readBody, handler)`), so that a refused request's body
   * is never buffered. Bodies are not read otherwise.
   */
  readonly readBody: Middleware;
  /**
   * Adds a part to `GET /health` (providers' breakers, the storage): its fields are merged into the
   * body and the worst status wins; `unavailable` turns the answer into a 503.
   */
  addHealthCheck(name: string, check: HealthCheck): void;
  /**
   * Shares a service with the plugins set up after this one (`'storage'`, `'admin-guard'`,
   * `'events'`…). A second service with the same name stops start-up.
   */
  provide<K extends keyof ProxyServices>(name: K, service: ProxyServices[K]): void;
  /** A service some plugin provided, or `undefined` when none did (yet: setup runs in order). */
  service<K extends keyof ProxyServices>(name: K): ProxyServices[K] | undefined;
  /**
   * Aborted when this runtime stops taking new requests (a config reload replaced it, or the
   * server is shutting down). Long-lived responses (event streams) end on it, so that the runtime
   * can drain and its plugins close.
   */
  readonly retired: AbortSignal;
}

/**
 * Services plugins share through `app.provide`/`app.service`. The plugin that provides one
 * declares its name and type with `declare module`, like `ProxyState`.
 */
export interface ProxyServices {
  /**
   * Provided by the plugin that authenticates clients (`auth`). Core's only use of it: without
   * one, a non-loopback host does not start unless `server.allowOpen` is set.
   */
  'client-auth': ClientAuth;
}

/** Checks a client on its headers, as an `onHeaders` hook does. */
export interface ClientAuth {
  /**
   * How `client` is served (`ClientInfo.access`); throws a ProxyError (401, 403) when it may not
   * be. `guarded`: the route needs a client key once keys exist (the Messages API, models).
   */
  check(client: ClientInfo, guarded: boolean): ClientAccess;
}

/**
 * A plugin: a plain object made by a factory. Only the hooks it has cost anything.
 * See README "Plugin API" for the order and error rules of each hook.
 */
export interface Plugin {
  /** Unique in a config; shown in logs and errors. */
  name: string;
  /** `pre` runs before config order, `post` after. Default: config order. */
  enforce?: 'pre' | 'post';
  /** Once at start: register providers and routes. Throwing stops start-up. */
  setup?(app: ProxyApp): void | Promise<void>;
  /**
   * Per request on every route, as soon as its headers have arrived and before its body is read;
   * synchronous, top-down. Decide on the address and headers alone (and set `client.access`);
   * throw a ProxyError to refuse: the body is then never read and the connection closes after the
   * answer, so an unauthorised client cannot make the proxy hold a large body.
   */
  onHeaders?: OnHeaders;
  /** Per request, top-down: change the request, target or upstream headers; throw to reject. */
  onRequest?: OnRequest;
  /** Around the provider call, first listed outermost. Return `next()` to pass through. */
  wrapStream?: WrapStream;
  /** Per event, synchronous. The plugin listed first sees the final events. */
  onEvent?: OnEvent;
  /** After the response; never delays it. Errors are logged. */
  onFinish?: OnFinish;
  /** At shutdown, in reverse order, after pending `onFinish` calls. */
  close?(): void | Promise<void>;
}

/** A plugin, a preset (an array), or what `enabled && plugin()` leaves when disabled. */
export type PluginOption = Plugin | false | null | undefined | PluginOption[];

/** Types a plugin object; returns it unchanged. */
export const definePlugin = (plugin: Plugin): Plugin => plugin;

/** Target of a request: a registered provider and the model name sent to it. */
export interface Target {
  provider: string;
  model: string;
}

/** Per-request plugin state; each plugin declares its own slice with `declare module`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProxyState {}
