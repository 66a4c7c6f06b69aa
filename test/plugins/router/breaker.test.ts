import assert from 'node:assert/strict';
import { test } from 'node:test';
import { router } from '../../../plugins/index.ts';
import {
  admit,
  breakerSettings,
  record,
  type BreakerState,
} from '../../../plugins/router/breaker.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { replyJson, replySse, scriptedUpstream } from '../../helpers/upstream.ts';
import { fakeProvider, textStream } from './fake-provider.ts';
import { answering, ask, rejection, textOf, withOne, withFallback } from './setup.ts';

/** An upstream the test turns up and down. */
async function switchable(t: Parameters<typeof scriptedUpstream>[0]) {
  const state = { up: false };
  const upstream = await scriptedUpstream(t, (req, res) =>
    state.up
      ? replySse(res, textStream(req.body.model, ['back']))
      : replyJson(res, 500, {
          type: 'error',
          error: { type: 'api_error', message: 'disk on fire' },
        }),
  );
  return Object.assign(upstream, { state });
}

const health = async (url: string) =>
  (await fetch(`${url}/health`)).json() as Promise<{
    status: string;
    providers: Record<string, { breaker: string; lastError?: { message: string } }>;
  }>;

test('the breaker opens after N failures, rejects fast with 529, probes after the wait and closes after successes', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const a = await switchable(t);
  const { client, url } = await withOne(t, a, {
    retry: false,
    breaker: { failures: 3, openMs: 30_000, probes: 2 },
  });
  for (let i = 0; i < 3; i++)
    assert.equal((await rejection(ask(client, 'claude-sonnet-4-6'))).status, 500);
  const refused = await rejection(ask(client, 'claude-sonnet-4-6'));
  assert.equal(refused.status, 529);
  assert.equal(refused.type, 'overloaded_error');
  assert.equal(refused.headers.get('retry-after'), '30');
  assert.equal(a.requests.length, 3, 'an open breaker does not call the provider');
  const open = await health(url);
  // Its only provider refuses every request: the server cannot serve (503, for monitors).
  assert.equal(open.status, 'unavailable');
  assert.equal((await fetch(`${url}/health`)).status, 503);
  assert.equal(open.providers.a?.breaker, 'open');
  assert.match(open.providers.a?.lastError?.message ?? '', /disk on fire/);

  a.state.up = true;
  t.mock.timers.tick(30_000);
  assert.equal(textOf(await ask(client, 'claude-sonnet-4-6')), 'back');
  assert.equal((await health(url)).providers.a?.breaker, 'half-open');
  await ask(client, 'claude-sonnet-4-6');
  const closed = await health(url);
  assert.equal(closed.status, 'ok');
  assert.equal(closed.providers.a?.breaker, 'closed');
});

test('while a breaker is open its requests go straight to the fallback', async (t) => {
  const a = await switchable(t);
  const b = await answering(t, 'from b');
  const { client } = await withFallback(t, a, b, { retry: false, breaker: { failures: 2 } });
  for (let i = 0; i < 4; i++)
    assert.equal(textOf(await ask(client, 'claude-sonnet-4-6')), 'from b');
  assert.equal(a.requests.length, 2);
  assert.equal(b.requests.length, 4);
});

test("/health reports each provider's breaker, failures and last error to a loopback caller", async (t) => {
  const a = await answering(t);
  const { url } = await startTestProxy(t, { plugins: [fakeProvider('a', a.url), router({})] });
  const body = await health(url);
  assert.deepEqual(body, {
    status: 'ok',
    store: 'memory',
    providers: { a: { breaker: 'closed', failures: 0, lastError: null } },
  });
});

const s = breakerSettings({ failures: 3, openMs: 1000, probes: 2 });
const withRate = breakerSettings({ failures: 3, errorRate: 0.5, minRequests: 4, windowMs: 10_000 });
const run = (steps: (string | null)[], settings = s) => {
  let state: BreakerState | undefined;
  const modes: string[] = [];
  for (const error of steps) {
    let mode: string;
    [state, mode] = record(settings, state, 0, error);
    modes.push(mode);
  }
  return { state: state!, modes };
};

for (const c of [
  { name: 'consecutive failures open it', steps: ['x', 'x', 'x'], last: 'open' },
  {
    name: 'a success resets the consecutive count',
    steps: ['x', 'x', null, 'x', 'x'],
    last: 'closed',
  },
  {
    name: 'an error rate over the window opens it once enough requests are seen',
    steps: [null, 'x', null, 'x'],
    rate: true,
    last: 'open',
  },
  {
    name: 'below the minimum of requests the rate does not count',
    steps: [null, 'x', 'x'],
    rate: true,
    last: 'closed',
  },
]) {
  test(`breaker: ${c.name}`, () =>
    assert.equal(run(c.steps, c.rate ? withRate : s).modes.at(-1), c.last));
}

test('breaker: half-open admits at most `probes` requests, a failure reopens, a stale probe slot is freed', () => {
  const { state: open } = run(['x', 'x', 'x']);
  assert.deepEqual(admit(s, open, 500)[1], { allowed: false, retryAfterMs: 500 });
  let [half, admission] = admit(s, open, 1000);
  assert.equal(half.mode, 'half-open');
  assert.deepEqual(admission, { allowed: true });
  [half, admission] = admit(s, half, 1001);
  assert.deepEqual(admission, { allowed: true });
  assert.equal(admit(s, half, 1002)[1].allowed, false, 'both probe slots are taken');
  assert.equal(
    admit(s, half, 2000)[1].allowed,
    true,
    'a probe that never answered frees its slot after openMs',
  );
  assert.equal(record(s, half, 1003, 'still down')[1], 'open');
});
