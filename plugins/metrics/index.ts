import {
  checkOptions,
  Lasting,
  Options,
  Type,
  type Static,
  type Outcome,
  type Plugin,
  type ProxyApp,
  type ProxyContext,
} from '../../core/index.ts';
import { adminGuard } from '../admin/guard.ts';
import { BoundedLabel } from './labels.ts';
import { createSeries, type Series } from './series.ts';

/** `metrics()` options. */
export const MetricsOptions = Options({
  /** Where Prometheus scrapes, guarded like the admin API. Default `/metrics`. */
  path: Type.Optional(Type.String({ pattern: '^/' })),
  /** Node's process metrics (CPU, memory, event-loop lag, GC) beside ccproxy's. Default `true`. */
  processMetrics: Type.Optional(Type.Boolean()),
  /** Distinct model names kept as label values; later ones are counted as `other`. Default 100. */
  maxModels: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Labels added to every series, e.g. `{ region: 'eu-1' }`, besides `instance_id`. Default: none. */
  labels: Type.Optional(
    Type.Record(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), Type.String()),
  ),
});
export type MetricsOptions = Static<typeof MetricsOptions>;

declare module '../../core/index.ts' {
  interface ProxyState {
    /** Set in onRequest when the request counts as an active stream until it finishes. */
    metrics?: { streaming: boolean };
  }
}

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Prometheus metrics at `GET /metrics` (DESIGN §8.5): requests, latency and time to first token,
 * tokens, cost, fallbacks, breaker state, stream repairs, active streams, and Node's process
 * metrics. Recorded in `onFinish`, after the response; the request path only counts open streams.
 * @example metrics({ labels: { region: 'eu-1' } })
 */
export function metrics(options: MetricsOptions = {}): Plugin {
  checkOptions('metrics', MetricsOptions, options);
  let series: Series | undefined;
  let models: BoundedLabel | undefined;
  return {
    name: 'metrics',
    setup(app) {
      const processMetrics = options.processMetrics ?? true;
      // instance_id, not instance: Prometheus sets `instance` itself, to the scraped address.
      const labels = { instance_id: app.instance, ...options.labels };
      const maxModels = options.maxModels ?? 100;
      // A reload finds the same series again: counters go on rather than reset under Prometheus.
      // The breakers are read from whichever runtime set up last, the one serving.
      const kept = (app.service('lasting') ?? new Lasting()).get(
        `metrics ${JSON.stringify([processMetrics, labels, maxModels])}`,
        () => {
          const holder = { app, models: new BoundedLabel(maxModels) } as {
            app: ProxyApp;
            models: BoundedLabel;
            series: Series;
          };
          holder.series = createSeries({
            processMetrics,
            labels,
            async collectBreakers(gauge) {
              gauge.reset();
              const states = await holder.app.service('breakers')?.states();
              for (const [provider, mode] of Object.entries(states ?? {}))
                gauge.set({ provider }, BREAKER_VALUE[mode]);
            },
          });
          return holder;
        },
      );
      kept.app = app;
      series = kept.series;
      models = kept.models;
      const s = series;
      const guard = adminGuard(app);
      app.http.get(options.path ?? '/metrics', guard.read, async (http) => {
        http.type = s.registry.contentType;
        http.body = await s.registry.metrics();
      });
    },
    onRequest(ctx) {
      if (ctx.endpoint !== 'messages' || !ctx.stream) return;
      series!.activeStreams.inc();
      ctx.state.metrics = { streaming: true };
    },
    onFinish(ctx, outcome) {
      if (ctx.endpoint !== 'messages') return;
      if (ctx.state.metrics?.streaming) series!.activeStreams.dec();
      record(series!, models!, ctx, outcome);
    },
  };
}

function record(s: Series, models: BoundedLabel, ctx: ProxyContext, outcome: Outcome): void {
  const provider = ctx.target.provider || 'none';
  const model = models.value(ctx.target.model);
  const target = { provider, model };
  // A stream that failed after its 200 went out counts under the failure's status.
  const status = outcome.ok ? outcome.status : (outcome.error?.status ?? outcome.status);
  s.requests.inc({ provider, model, route: ctx.route, status: String(status) });
  s.duration.observe(target, outcome.durationMs / 1000);
  if (ctx.timings.firstEvent > 0)
    s.ttft.observe(target, (ctx.timings.firstEvent - ctx.timings.start) / 1000);
  const usage = outcome.usage;
  addTokens(s, provider, model, 'input', usage.input_tokens);
  addTokens(s, provider, model, 'output', usage.output_tokens);
  addTokens(s, provider, model, 'cache_read', usage.cache_read_input_tokens);
  addTokens(s, provider, model, 'cache_write', usage.cache_creation_input_tokens);
  // Priced by usage(), which finishes first in cockpit(); unpriced models add nothing.
  const cost = ctx.state.usage?.cost_usd;
  if (cost) s.cost.inc(target, cost);
  if (ctx.repairs > 0) s.repairs.inc({ provider });
  const attempts = ctx.state.router?.attempts ?? [];
  for (let i = 1; i < attempts.length; i++) {
    const from = attempts[i - 1]!.target;
    const to = attempts[i]!.target;
    if (from !== to) s.fallbacks.inc({ from: models.value(from), to: models.value(to) });
  }
}

function addTokens(
  s: Series,
  provider: string,
  model: string,
  type: 'input' | 'output' | 'cache_read' | 'cache_write',
  count: number | null | undefined,
): void {
  if (count) s.tokens.inc({ provider, model, type }, count);
}
