import {
  checkOptions,
  HttpUrl,
  Options,
  Type,
  type Plugin,
  type Static,
} from '../../core/index.ts';
import type { Spans } from './spans.ts';

/** `tracing()` options. */
export const TracingOptions = Options({
  /**
   * Where spans are sent, OTLP over HTTP (`…/v1/traces`). Default: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
   * else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; neither set, tracing is off and costs nothing.
   */
  endpoint: Type.Optional(HttpUrl),
  /** `service.name` of the spans. Default `OTEL_SERVICE_NAME`, else `ccproxy`. */
  serviceName: Type.Optional(Type.String({ minLength: 1 })),
  /** Where the `OTEL_*` variables are read. Default `process.env`. */
  env: Type.Optional(Type.Unsafe<NodeJS.ProcessEnv>({ type: 'object' })),
});
export type TracingOptions = Static<typeof TracingOptions>;

/** The traces URL the OpenTelemetry variables describe, as the SDKs resolve it. */
function tracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * OpenTelemetry traces: a span per request (provider, models, tokens, status) with each router
 * attempt as a child span, exported over OTLP/HTTP. Off unless an endpoint is set; spans are
 * built in `onFinish`, after the response.
 * @example tracing() // with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
 */
export function tracing(options: TracingOptions = {}): Plugin {
  checkOptions('tracing', TracingOptions, options);
  const env = options.env ?? process.env;
  const url = options.endpoint ?? tracesUrl(env);
  // Without an endpoint the plugin has no hooks: nothing runs per request.
  if (!url) return { name: 'tracing' };
  let spans: Spans | undefined;
  return {
    name: 'tracing',
    async setup(app) {
      const { createSpans } = await import('./spans.ts');
      spans = createSpans({
        url,
        serviceName: options.serviceName ?? env.OTEL_SERVICE_NAME ?? 'ccproxy',
      });
      app.log.info({ url }, 'tracing: exporting spans over OTLP');
    },
    onFinish(ctx, outcome) {
      if (ctx.endpoint === 'messages') spans!.record(ctx, outcome);
    },
    close: () => spans?.shutdown(),
  };
}
