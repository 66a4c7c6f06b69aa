import type { Logger } from 'pino';
import type { MessagesRequest, StopReason, Usage } from './anthropic.ts';
import type { ProxyState, Target } from './plugin.ts';
import { RequestAbort, type AbortSource } from './abort.ts';
import { Secrets } from './secrets.ts';

/**
 * What an auth plugin made of the caller in `onHeaders`: `'key'`, a configured client key, which
 * is ccproxy's own and never leaves it; `'anonymous'`, keys are configured but none was presented
 * (on a route auth leaves open, such as `/health`); `'open'`, no key is configured and the address
 * is served. `undefined` when no plugin decided (no auth plugin).
 */
export type ClientAccess = 'key' | 'anonymous' | 'open' | undefined;

/** Who called: the address, the credential presented (never logged) and the raw headers. */
export interface ClientInfo {
  /** The peer's address, or the client's behind a trusted proxy (`server.trustProxy`). */
  readonly ip: string;
  /** From `x-api-key`, else `Authorization: Bearer`. */
  readonly key: string | undefined;
  /** Lower-case names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Set by an auth plugin's `onHeaders`. */
  access?: ClientAccess;
}

/** `performance.now()` milliseconds; 0 until reached. */
export interface Timings {
  start: number;
  /** The first event reached the sink (time to first byte for a streaming client). */
  firstEvent: number;
  end: number;
}

/** Which endpoint a context serves: plugins that meter answers skip `count_tokens`. */
export type Endpoint = 'messages' | 'count_tokens';

/** The request body exactly as it arrived, and the object parsed from it. */
export interface ReceivedBody {
  readonly text: string;
  readonly request: MessagesRequest;
}

export interface ContextInit {
  id: string;
  endpoint: Endpoint;
  request: MessagesRequest;
  /** The unparsed body, when the server kept it. */
  raw?: string;
  client: ClientInfo;
  target: Target;
  route: string;
  /**
   * The request's logger, or what makes it on first use: a pino child costs a hundredth of a
   * request (its bindings are serialised and redacted), and most requests never log.
   */
  log: Logger | (() => Logger);
  /**
   * The request's cancellation, whose `AbortSignal` is made only if something reads `ctx.signal`.
   * Default: one that nothing aborts (or `signal`, when given).
   */
  abort?: RequestAbort;
  /** An `AbortSignal` to use instead of `abort`'s. */
  signal?: AbortSignal;
  /** The running proxy's credentials, for `redact`. Default: none. */
  secrets?: Secrets;
}

const NO_SECRETS = new Secrets();

/**
 * One request's context, passed to every hook. Its constructor creates every field, so its shape
 * never changes (V8 keeps one hidden class for all requests).
 */
export class ProxyContext {
  /** `req_…`, sent as the `request-id` header and logged. */
  readonly id: string;
  readonly endpoint: Endpoint;
  /** The request as it stands; `onRequest` hooks and `next(request)` replace it (see `received`). */
  request: MessagesRequest;
  /**
   * The body as received, byte for byte, for a native passthrough that must forward it unchanged
   * (PROTOCOL F1). It describes `received.request` only: a plugin that changes the request replaces
   * `ctx.request` (or calls `next(request)`) rather than editing it in place, so that an adapter can
   * tell, by `ctx.request === received.request`, whether these bytes still say what is to be sent.
   */
  readonly received: ReceivedBody | null;
  /** The model name the client sent; the client sees it back in `message_start`. */
  readonly requestedModel: string;
  /** The client asked for SSE (`stream: true`). */
  readonly stream: boolean;
  readonly client: ClientInfo;
  /** Where the request goes; model-map and router set it. */
  target: Target;
  /** Why the target was chosen (`explicit`, `tier:big`, `longContext`…), for the log. */
  route: string;
  /** Headers added to the upstream request (custom headers, overrides), names in lower case. */
  readonly upstream: { headers: Record<string, string> };
  readonly state: ProxyState;
  /** Child logger carrying the request id. Secrets are redacted. */
  get log(): Logger {
    const log = this.#log;
    return typeof log === 'function' ? (this.#log = log()) : log;
  }
  #log: Logger | (() => Logger);
  /**
   * Fires when the client disconnects; adapters pass it to the upstream request. A wrapping plugin
   * may narrow it for one inner call (an attempt it times out) and must restore it afterwards.
   */
  get signal(): AbortSignal {
    return this.#signal ?? this.#abort.signal;
  }
  set signal(signal: AbortSignal) {
    this.#signal = signal;
  }
  /**
   * What an upstream call listens to (`UpstreamCall.signal`): the signal a plugin set, else the
   * request's own cancellation, without making an `AbortSignal` for it.
   */
  get abortSource(): AbortSource {
    return this.#signal ?? this.#abort;
  }
  #signal: AbortSignal | undefined;
  readonly #abort: RequestAbort;
  /** Totals so far, folded from `message_start` and `message_delta`. */
  readonly usage: Usage;
  stopReason: StopReason | null;
  readonly timings: Timings;
  /** Upstream streams of this request the stream guard had to repair (0 for a clean answer). */
  repairs: number;
  private readonly secrets: Secrets;

  constructor(init: ContextInit) {
    this.id = init.id;
    this.endpoint = init.endpoint;
    this.request = init.request;
    this.received = init.raw === undefined ? null : { text: init.raw, request: init.request };
    this.requestedModel = init.request.model;
    this.stream = init.request.stream === true;
    this.client = init.client;
    this.target = init.target;
    this.route = init.route;
    this.upstream = { headers: {} };
    this.state = {};
    this.#log = init.log;
    this.#signal = init.signal;
    this.#abort = init.abort ?? new RequestAbort();
    this.usage = { input_tokens: 0, output_tokens: 0 };
    this.stopReason = null;
    this.timings = { start: performance.now(), firstEvent: 0, end: 0 };
    this.repairs = 0;
    this.secrets = init.secrets ?? NO_SECRETS;
  }

  /**
   * `text` from an upstream (an error message, a search backend's answer) with every credential
   * the proxy holds and the client's own key replaced by `[redacted]`, cut to 2 KB. Core applies it
   * to every error a provider throws; a plugin quoting upstream text elsewhere calls it.
   */
  redact(text: string): string {
    return this.secrets.redact(text, this.client.key);
  }

  /** `text` with the same credentials replaced, not cut: for upstream bytes relayed unchanged. */
  scrub(text: string): string {
    return this.secrets.scrub(text, this.client.key);
  }
}
