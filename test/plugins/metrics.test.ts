import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { metrics, router } from '../../plugins/index.ts';
import { parsePrometheus, type Family } from '../helpers/prometheus.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { replySse, scriptedUpstream } from '../helpers/upstream.ts';
import { fakeProvider, textStream } from './router/fake-provider.ts';
import { answering, ask, failing, rejection } from './router/setup.ts';
import { startCockpit } from './storage/cockpit-helpers.ts';

/** `/metrics`, read by a strict parser of the Prometheus text format: family name → family. */
async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/metrics`, { headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

/** The value of the family's sample whose labels include `labels` (a histogram: its count). */
function valueOf(family: Family | undefined, labels: Record<string, string>): number {
  const samples = family?.samples.filter(
    (s) => family.type !== 'histogram' || s.name.endsWith('_count'),
  );
  const found = samples?.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found, `no sample with ${JSON.stringify(labels)}`);
  return found.value;
}

/** An upstream whose stream sends a text delta before opening its block: the guard repairs it. */
const sloppy = (t: TestContext) =>
  scriptedUpstream(t, (req, res) => {
    const chunks = textStream(req.body.model, ['fixed']);
    return replySse(
      res,
      chunks.filter((chunk) => !chunk.includes('content_block_start')),
    );
  });

test('/metrics counts requests, fallbacks, tokens, latency and repaired streams after real traffic', async (t) => {
  const a = await failing(t, 500);
  const b = await answering(t, 'from b');
  const c = await failing(t, 500);
  const d = await sloppy(t);
  const { client, url } = await startTestProxy(t, {
    plugins: [
      fakeProvider('a', a.url),
      fakeProvider('b', b.url),
      fakeProvider('c', c.url),
      fakeProvider('d', d.url),
      router({ default: { model: 'a,one', fallbacks: ['b,two'] }, retry: false, breaker: false }),
      metrics(),
    ],
  });

  await ask(client, 'claude-sonnet-4-6'); // a fails with 500, b answers
  await ask(client, 'b,two');
  assert.equal((await rejection(ask(client, 'c,broken'))).status, 500);
  await ask(client, 'd,sloppy');

  const m = await scrape(url);
  const requests = m.get('ccproxy_requests_total');
  assert.equal(
    valueOf(requests, { provider: 'b', model: 'two', route: 'default+fallback', status: '200' }),
    1,
  );
  assert.equal(valueOf(requests, { provider: 'b', model: 'two', route: 'explicit' }), 1);
  assert.equal(valueOf(requests, { provider: 'c', model: 'broken', status: '500' }), 1);
  assert.equal(valueOf(requests, { provider: 'd', model: 'sloppy', status: '200' }), 1);
  assert.equal(valueOf(m.get('ccproxy_fallbacks_total'), { from: 'a,one', to: 'b,two' }), 1);
  assert.equal(valueOf(m.get('ccproxy_stream_repairs_total'), { provider: 'd' }), 1);
  assert.equal(
    m.get('ccproxy_stream_repairs_total')?.samples.length,
    1,
    'clean streams are not counted',
  );
  // fake-provider's stream reports 5 input tokens and one output token per answer.
  assert.equal(valueOf(m.get('ccproxy_tokens_total'), { provider: 'b', type: 'input' }), 10);
  assert.equal(valueOf(m.get('ccproxy_tokens_total'), { provider: 'b', type: 'output' }), 2);
  assert.equal(valueOf(m.get('ccproxy_request_duration_seconds'), { provider: 'b' }), 2);
  assert.equal(valueOf(m.get('ccproxy_time_to_first_token_seconds'), { provider: 'd' }), 1);
  assert.equal(valueOf(m.get('ccproxy_active_streams'), {}), 0);
  assert.ok(m.has('process_cpu_seconds_total'), "Node's process metrics are exported too");
});

test('an open stream is an active stream until it ends', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const upstream = await scriptedUpstream(t, async (req, res) => {
    const chunks = textStream(req.body.model, ['slow']);
    await replySse(res, chunks.slice(0, 2), { end: 'hang' });
    await gate;
    for (const chunk of chunks.slice(2)) res.write(chunk);
    res.end();
  });
  const { client, url } = await startTestProxy(t, {
    plugins: [fakeProvider('a', upstream.url), router({ default: 'a,one' }), metrics()],
  });
  const stream = await client.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const events = stream[Symbol.asyncIterator]();
  await events.next(); // message_start reached the client: the stream is open
  assert.equal(valueOf((await scrape(url)).get('ccproxy_active_streams'), {}), 1);
  release();
  while (!(await events.next()).done);
  // onFinish runs once the response has closed; a scrape after it sees the stream gone.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(valueOf((await scrape(url)).get('ccproxy_active_streams'), {}), 0);
});

test('model labels stay bounded: names past maxModels are counted as "other"', async (t) => {
  const b = await answering(t);
  const { client, url } = await startTestProxy(t, {
    plugins: [fakeProvider('b', b.url), metrics({ maxModels: 2, processMetrics: false })],
  });
  for (const model of ['b,m1', 'b,m2', 'b,m3', 'b,m4']) await ask(client, model);
  const requests = (await scrape(url)).get('ccproxy_requests_total');
  assert.deepEqual(requests?.samples.map((s) => s.labels.model).sort(), ['m1', 'm2', 'other']);
  assert.equal(valueOf(requests, { model: 'other' }), 2);
});

test('a config reload keeps the counters going: Prometheus sees no reset', async (t) => {
  const b = await answering(t);
  const plugins = () => [fakeProvider('b', b.url), metrics({ processMetrics: false })];
  const { client, url, running } = await startTestProxy(t, {
    plugins: plugins(),
    reloadWith: plugins,
  });
  await ask(client, 'b,two');
  assert.equal((await running.reload()).ok, true);
  await ask(client, 'b,two');
  const requests = (await scrape(url)).get('ccproxy_requests_total');
  assert.equal(valueOf(requests, { provider: 'b', model: 'two', status: '200' }), 2);
});

test('/metrics is guarded like the admin API: an admin key, never a client key', async (t) => {
  const b = await answering(t);
  const { url } = await startTestProxy(t, {
    plugins: [fakeProvider('b', b.url), metrics()],
    env: { CCPROXY_ADMIN_KEY: 'admin-secret' },
  });
  assert.equal((await fetch(`${url}/metrics`)).status, 401);
  assert.equal(
    (await fetch(`${url}/metrics`, { headers: { 'x-api-key': 'test-key' } })).status,
    401,
  );
  const ok = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer admin-secret' } });
  assert.equal(ok.status, 200);
  const body = await ok.text();
  assert.match(body, /# TYPE ccproxy_requests_total counter/);
  assert.doesNotMatch(body, /admin-secret/);
});

test('labels given in the options and the instance id are on every series', async (t) => {
  const b = await answering(t);
  const { client, url } = await startTestProxy(t, {
    plugins: [fakeProvider('b', b.url), metrics({ labels: { region: 'eu-1' } })],
    env: { CCPROXY_INSTANCE_ID: 'eu-1-a' },
  });
  await ask(client, 'b,two');
  const m = await scrape(url);
  const labels = { region: 'eu-1', instance_id: 'eu-1-a' };
  assert.equal(valueOf(m.get('ccproxy_requests_total'), { ...labels, provider: 'b' }), 1);
  assert.equal(valueOf(m.get('ccproxy_active_streams'), labels), 0);
});

test('every series the Grafana dashboard in examples/ queries is one /metrics exports', async (t) => {
  const dashboard = readFileSync(
    new URL('../../examples/grafana/ccproxy-dashboard.json', import.meta.url),
    'utf8',
  );
  const queried = new Set(
    [...dashboard.matchAll(/\b((?:ccproxy|process)_[a-z_]+)/g)].map((m) =>
      m[1]!.replace(/_(bucket|sum|count)$/, ''),
    ),
  );
  const b = await answering(t);
  const { client, url } = await startTestProxy(t, {
    plugins: [fakeProvider('b', b.url), router({ default: 'b,two' }), metrics()],
  });
  await ask(client, 'claude-sonnet-4-6');
  const exported = await scrape(url);
  assert.ok(queried.size >= 10);
  for (const name of queried) assert.ok(exported.has(name), `${name} is not exported`);
});

test('in cockpit(), each priced request adds its cost to ccproxy_cost_usd_total', async (t) => {
  const { client, url } = await startCockpit(t, {
    config: {
      storage: false,
      pricing: { 'openai,gpt-4o': { input: 2, output: 10 } },
    },
  });
  await client.messages.create({
    model: 'openai,gpt-4o',
    max_tokens: 16,
    messages: [{ role: 'user', content: 'hi' }],
  });
  // 120 prompt tokens (20 of them cached, priced as input here) at $2/M, 7 output at $10/M.
  const cost = valueOf((await scrape(url)).get('ccproxy_cost_usd_total'), {
    provider: 'openai',
    model: 'gpt-4o',
  });
  assert.ok(Math.abs(cost - (120 * 2 + 7 * 10) / 1e6) < 1e-9, `cost ${cost}`);
});
