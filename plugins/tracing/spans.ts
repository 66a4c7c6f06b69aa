import { SpanKind, SpanStatusCode, trace, context as otelContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Outcome, ProxyContext } from '../../core/index.ts';

/**
 * The OpenTelemetry side of `tracing()`, imported only when an OTLP endpoint is set: the SDK and
 * its exporter cost start-up time and memory nobody else should pay.
 */
export interface Spans {
  record(ctx: ProxyContext, outcome: Outcome): void;
  shutdown(): Promise<void>;
}

/** `performance.now()` milliseconds as the epoch milliseconds OpenTelemetry takes. */
const epoch = (at: number) => performance.timeOrigin + at;

export function createSpans(options: { url: string; serviceName: string }): Spans {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.url }) }),
    ],
  });
  const tracer = provider.getTracer('ccproxy');
  return {
    record(ctx, outcome) {
      const span = tracer.startSpan(`POST /v1/messages`, {
        kind: SpanKind.SERVER,
        startTime: epoch(ctx.timings.start),
        attributes: {
          'ccproxy.request_id': ctx.id,
          'ccproxy.route': ctx.route,
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': ctx.target.provider,
          'gen_ai.request.model': ctx.requestedModel,
          'gen_ai.response.model': ctx.target.model,
          'gen_ai.usage.input_tokens': outcome.usage.input_tokens,
          'gen_ai.usage.output_tokens': outcome.usage.output_tokens,
          'http.response.status_code': outcome.status,
          stream: ctx.stream,
        },
      });
      const parent = trace.setSpan(otelContext.active(), span);
      for (const attempt of ctx.state.router?.attempts ?? []) {
        const child = tracer.startSpan(
          `attempt ${attempt.target}`,
          {
            kind: SpanKind.CLIENT,
            startTime: epoch(attempt.start),
            attributes: { 'ccproxy.target': attempt.target },
          },
          parent,
        );
        if (attempt.error) child.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error });
        child.end(epoch(attempt.start + attempt.durationMs));
      }
      if (!outcome.ok)
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error?.message });
      span.end(epoch(ctx.timings.end));
    },
    shutdown: () => provider.shutdown(),
  };
}
