import assert from 'node:assert/strict';
import { test } from 'node:test';
import { router, tracing } from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { fakeProvider } from './router/fake-provider.ts';
import { answering, ask, failing } from './router/setup.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** The spans an OTLP/HTTP JSON export carried. */
const spansOf = (body: any): OtlpSpan[] =>
  (body.resourceSpans ?? []).flatMap((r: any) =>
    (r.scopeSpans ?? []).flatMap((s: any) => s.spans as OtlpSpan[]),
  );

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value && Object.values(value)[0];
};

test('with an OTLP endpoint, each request is a span with its router attempts as child spans', async (t) => {
  const collector = await scriptedUpstream(t, (_req, res) => replyJson(res, 200, {}));
  const a = await failing(t, 500);
  const b = await answering(t, 'from b');
  const proxy = await startTestProxy(t, {
    plugins: [
      fakeProvider('a', a.url),
      fakeProvider('b', b.url),
      router({ default: { model: 'a,one', fallbacks: ['b,two'] }, retry: false, breaker: false }),
      tracing({ endpoint: `${collector.url}/v1/traces`, serviceName: 'ccproxy-test' }),
    ],
  });
  await ask(proxy.client, 'claude-sonnet-4-6');
  await proxy.running.close(); // shutting down flushes the batch

  assert.equal(collector.requests[0]?.url, '/v1/traces');
  const spans = collector.requests.flatMap((r) => spansOf(r.body));
  const root = spans.find((s) => s.name === 'POST /v1/messages');
  assert.ok(root, 'a span for the request');
  assert.equal(attribute(root, 'gen_ai.request.model'), 'claude-sonnet-4-6');
  assert.equal(attribute(root, 'gen_ai.provider.name'), 'b');
  assert.equal(attribute(root, 'gen_ai.response.model'), 'two');
  assert.equal(attribute(root, 'ccproxy.route'), 'default+fallback');
  const children = spans.filter((s) => s.parentSpanId === root.spanId);
  assert.deepEqual(
    children.map((s) => [s.name, s.status?.code ?? 0]),
    [
      ['attempt a,one', 2], // ERROR
      ['attempt b,two', 0],
    ],
  );
  assert.ok(children.every((s) => s.traceId === root.traceId));
  const resource = collector.requests[0].body.resourceSpans[0].resource.attributes;
  assert.ok(
    resource.some((a: any) => a.key === 'service.name' && a.value.stringValue === 'ccproxy-test'),
  );
});

test('without an endpoint, tracing adds no hook and sends nothing', () => {
  const plugin = tracing({ env: {} });
  assert.deepEqual(Object.keys(plugin), ['name']);
});
