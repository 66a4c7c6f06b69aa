import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: the spread of an LLM answer, from a cached short reply to a long stream. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
/** Seconds until the first event reached the client. */
const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/** The series of DESIGN §8.5, in one registry of their own (kept across reloads, see `metrics`). */
export interface Series {
  readonly registry: Registry;
  readonly requests: Counter<'provider' | 'model' | 'route' | 'status'>;
  readonly duration: Histogram<'provider' | 'model'>;
  readonly ttft: Histogram<'provider' | 'model'>;
  readonly tokens: Counter<'provider' | 'model' | 'type'>;
  readonly cost: Counter<'provider' | 'model'>;
  readonly fallbacks: Counter<'from' | 'to'>;
  readonly breaker: Gauge<'provider'>;
  readonly repairs: Counter<'provider'>;
  readonly activeStreams: Gauge;
}

export interface SeriesOptions {
  /** Node's process metrics (CPU, memory, event-loop lag, GC). */
  processMetrics: boolean;
  /** Labels added to every series, e.g. `{ instance: 'a' }`. */
  labels: Record<string, string>;
  /** Fills `ccproxy_breaker_state` at scrape time. */
  collectBreakers(gauge: Gauge<'provider'>): void | Promise<void>;
}

export function createSeries(options: SeriesOptions): Series {
  const registry = new Registry();
  registry.setDefaultLabels(options.labels);
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'ccproxy_requests_total',
      help: 'Client requests to /v1/messages by the target that served them and the HTTP status.',
      labelNames: ['provider', 'model', 'route', 'status'],
      registers,
    }),
    duration: new Histogram({
      name: 'ccproxy_request_duration_seconds',
      help: 'Time from a request’s arrival to the end of its response.',
      labelNames: ['provider', 'model'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    ttft: new Histogram({
      name: 'ccproxy_time_to_first_token_seconds',
      help: 'Time from a request’s arrival to its first event reaching the client.',
      labelNames: ['provider', 'model'],
      buckets: TTFT_BUCKETS,
      registers,
    }),
    tokens: new Counter({
      name: 'ccproxy_tokens_total',
      help: 'Tokens by type: input, output, cache_read, cache_write.',
      labelNames: ['provider', 'model', 'type'],
      registers,
    }),
    cost: new Counter({
      name: 'ccproxy_cost_usd_total',
      help: 'Cost in US dollars of priced requests (unpriced models add nothing).',
      labelNames: ['provider', 'model'],
      registers,
    }),
    fallbacks: new Counter({
      name: 'ccproxy_fallbacks_total',
      help: 'Attempts handed from one target to the next after a failure before the first byte.',
      labelNames: ['from', 'to'],
      registers,
    }),
    breaker: new Gauge({
      name: 'ccproxy_breaker_state',
      help: 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider'],
      registers,
      collect() {
        return options.collectBreakers(this);
      },
    }),
    repairs: new Counter({
      name: 'ccproxy_stream_repairs_total',
      help: 'Upstream streams the stream guard had to repair (a grammar violation), by provider.',
      labelNames: ['provider'],
      registers,
    }),
    activeStreams: new Gauge({
      name: 'ccproxy_active_streams',
      help: 'Streaming responses open right now.',
      registers,
    }),
  };
}
