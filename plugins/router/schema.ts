import {
  ModelRef,
  Options,
  Type,
  type MessagesRequest,
  type ProxyContext,
  type Static,
} from '../../core/index.ts';

/** The router's options, written once: the types below and the schema checked at load. */

const ms = Type.Number({ exclusiveMinimum: 0 });

/** The full form of a route: a target with its own fallbacks and parameters. */
export const RouteSpec = Options({
  /** `provider,model` (or `provider/model`). */
  model: ModelRef,
  /** Tried in order when the target fails before the first byte. Default: none. */
  fallbacks: Type.Optional(Type.Array(ModelRef)),
  /** Request fields set only when the client did not send them, e.g. `{ temperature: 0.2 }`. */
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type RouteSpec = Static<typeof RouteSpec>;

/** Where a rule sends a request: `provider,model`, or the full form with fallbacks and parameters. */
export const RouteOption = Type.Union([ModelRef, RouteSpec]);
export type RouteOption = Static<typeof RouteOption>;

/** A user function deciding first: a `provider,model` to use, or undefined to let the rules decide. */
export type CustomRoute = (
  request: MessagesRequest,
  ctx: ProxyContext,
) => string | undefined | Promise<string | undefined>;

/** How failed attempts are repeated: rounds over the target and its fallbacks, with backoff. */
export const RetryOptions = Options({
  /** Extra rounds over the targets after the first. Default 2; 0 turns retries off. */
  attempts: Type.Optional(Type.Integer({ minimum: 0 })),
  /** The first wait, doubled each round, with jitter. Default 500 ms. */
  baseMs: Type.Optional(ms),
  /** The longest wait; a `retry-after` above it ends the retries. Default 8 s. */
  maxMs: Type.Optional(ms),
  /** Time all retries of one request may take, waits and attempts together. Default 30 s. */
  totalMs: Type.Optional(ms),
});
export type RetryOptions = Static<typeof RetryOptions>;

/** Circuit-breaker settings; each has a default (issue 7: 5 failures, 30 s open, 3 probes). */
export const BreakerOptions = Options({
  /** Consecutive failures that open the circuit. Default 5. */
  failures: Type.Optional(Type.Integer({ minimum: 1 })),
  /**
   * Failure share over `windowMs` (0–1) that opens it too, once `minRequests` are seen: it catches
   * a flapping provider that never fails N times in a row. Default 0.5.
   */
  errorRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  /** The error-rate window. Default 60 s. */
  windowMs: Type.Optional(ms),
  /** Requests in the window before `errorRate` counts. Default 20. */
  minRequests: Type.Optional(Type.Integer({ minimum: 1 })),
  /** How long it stays open before probing. Default 30 s. */
  openMs: Type.Optional(ms),
  /** Requests let through half-open; that many successes close it, one failure reopens. Default 3. */
  probes: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type BreakerOptions = Static<typeof BreakerOptions>;

/** A budget per minute; each is a token bucket holding one minute's worth (the burst). */
/** A budget per minute; each is a token bucket holding one minute's worth (the burst). */
export const RateLimit = Options({
  requestsPerMinute: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  /** Prompt tokens are taken on admission; output tokens are charged when the answer ends. */
  tokensPerMinute: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
});
export type RateLimit = Static<typeof RateLimit>;

export const RateLimitOptions = Options({
  /**
   * Per client key that auth verified, else per address: a key nobody checked (no keys
   * configured) is the client's to change at will. Default: none.
   */
  client: Type.Optional(RateLimit),
  /** Per provider name; a provider over budget is skipped for its fallbacks. Default: none. */
  providers: Type.Optional(Type.Record(Type.String(), RateLimit)),
});
export type RateLimitOptions = Static<typeof RateLimitOptions>;

/** Per-attempt timeouts the router enforces, on top of the HTTP client's own. */
export const TimeoutOptions = Options({
  /** From the call to the first event; then the next target is tried. Default: the provider's. */
  firstByteMs: Type.Optional(ms),
  /** Longest silence between two events, while ccproxy waits on the upstream. Default: the provider's. */
  idleMs: Type.Optional(ms),
});
export type TimeoutOptions = Static<typeof TimeoutOptions>;

/** `router()` options. */
export const RouterOptions = Options({
  /** Decides first (after an explicit `provider,model`): a target, or undefined for the rules. */
  custom: Type.Optional(Type.Unsafe<CustomRoute>({})),
  /** Routes named after the model the client asked for (case-insensitive), e.g. `{ 'claude-opus-4-1': 'openai,o3' }`. */
  routes: Type.Optional(Type.Record(Type.String(), RouteOption)),
  /** Prompts of at least `threshold` tokens (default 60,000) over system, messages, tools: estimated, counted with o200k near the threshold. */
  longContext: Type.Optional(
    Type.Union([
      ModelRef,
      Options({
        ...RouteSpec.properties,
        threshold: Type.Optional(Type.Integer({ minimum: 1 })),
      }),
    ]),
  ),
  /** Haiku-class requests (Claude Code's background calls). */
  background: Type.Optional(RouteOption),
  /** Requests with `thinking` enabled. */
  thinking: Type.Optional(RouteOption),
  /** Requests carrying the `web_search` server tool. */
  webSearch: Type.Optional(RouteOption),
  /** Requests whose messages hold an image. */
  images: Type.Optional(RouteOption),
  /** Everything no other rule took. Default: the target model-map chose. */
  default: Type.Optional(RouteOption),
  /** Fallbacks of targets no route gave fallbacks to, by `provider,model` or by provider. */
  fallbacks: Type.Optional(Type.Record(Type.String(), Type.Array(ModelRef))),
  /** Retries with backoff over the target and its fallbacks; `false` turns them off. */
  retry: Type.Optional(Type.Union([Type.Literal(false), RetryOptions])),
  /** A circuit breaker per provider (default on: 5 failures, 30 s open, 3 probes); `false` turns it off. */
  breaker: Type.Optional(Type.Union([Type.Literal(false), BreakerOptions])),
  /** Token-bucket budgets per client key and per provider. Default: none. */
  rateLimits: Type.Optional(RateLimitOptions),
  /** Router-enforced timeouts per attempt (a short first-byte timeout makes fallbacks quick). */
  timeouts: Type.Optional(TimeoutOptions),
  /** When a stream breaks after the first byte, resume on the next target. Default `false`. */
  continuation: Type.Optional(Type.Boolean()),
  /**
   * `redis://…`: breaker state and budgets shared by every instance using it. Default: the
   * config's top-level `redis`, else in memory.
   */
  redis: Type.Optional(Type.String({ minLength: 1 })),
});
export type RouterOptions = Static<typeof RouterOptions>;
