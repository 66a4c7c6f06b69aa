import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, test, type TestContext } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { router } from '../../../plugins/index.ts';
import { memoryState, type SharedState } from '../../../plugins/shared/state/index.ts';
import { redisState } from '../../../plugins/shared/state/redis.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { startTestRedis } from '../../helpers/redis.ts';
import { until } from '../../helpers/until.ts';
import { fakeProvider } from './fake-provider.ts';
import { answering, ask, failing, rejection, withOne } from './setup.ts';

const redis = await startTestRedis(null);
after(() => redis.stop());

for (const kind of ['memory', 'redis'] as const) {
  const open = (): Promise<SharedState> =>
    kind === 'memory'
      ? Promise.resolve(memoryState())
      : redisState(redis.url, `test-${Math.random()}:`);

  test(`${kind} state: concurrent updates of one key all land (atomic read-modify-write)`, async (t) => {
    const state = await open();
    t.after(() => state.close());
    const increment = (n: number | undefined) => [(n ?? 0) + 1, (n ?? 0) + 1] as const;
    const results = await Promise.all(
      Array.from({ length: 100 }, () => state.update('counter', 10_000, increment)),
    );
    assert.equal(await state.get('counter'), 100);
    assert.deepEqual(
      [...results].sort((x, y) => x - y),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    assert.equal(await state.get('absent'), undefined);
  });
}

test('two ccproxy instances sharing one Redis see the same breaker and the same rate-limit budget', async (t) => {
  const down = await failing(t, 500);
  const plugins = () => [
    fakeProvider('a', down.url),
    router({
      default: 'a,one',
      redis: redis.url,
      retry: false,
      breaker: { failures: 2 },
      rateLimits: { client: { requestsPerMinute: 3 } },
    }),
  ];
  const first = await startTestProxy(t, { plugins: plugins() });
  const second = await startTestProxy(t, { plugins: plugins() });
  assert.equal((await rejection(ask(first.client, 'claude-sonnet-4-6'))).status, 500);
  assert.equal((await rejection(ask(second.client, 'claude-sonnet-4-6'))).status, 500);
  assert.equal(
    (await rejection(ask(first.client, 'claude-sonnet-4-6'))).status,
    529,
    'opened by failures seen by both',
  );
  assert.equal(down.requests.length, 2);
  assert.equal(
    (await rejection(ask(second.client, 'claude-sonnet-4-6'))).status,
    429,
    'the fourth request of one key',
  );
});

/** Starts `instance.ts` in its own Node process; resolves with its URL. */
async function spawnInstance(t: TestContext, env: Record<string, string>): Promise<string> {
  const script = fileURLToPath(new URL('./instance.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return (JSON.parse(chunk.toString()) as { url: string }).url;
}

test('two ccproxy processes sharing one Redis see the same breaker and rate-limit budget', async (t) => {
  const own = await startTestRedis(t);
  const down = await failing(t, 500);
  const env = { UPSTREAM_URL: down.url, REDIS_URL: own.url };
  const [one, two] = await Promise.all([spawnInstance(t, env), spawnInstance(t, env)]);
  const client = (url: string) =>
    new Anthropic({ baseURL: url, apiKey: 'same-key', maxRetries: 0 });
  assert.equal((await rejection(ask(client(one), 'claude-sonnet-4-6'))).status, 500);
  assert.equal((await rejection(ask(client(two), 'claude-sonnet-4-6'))).status, 500);
  assert.equal((await rejection(ask(client(one), 'claude-sonnet-4-6'))).status, 529);
  assert.equal((await rejection(ask(client(two), 'claude-sonnet-4-6'))).status, 429);
  assert.equal(down.requests.length, 2);
});

test('with Redis gone the router counts on this instance: requests served, limits kept, the log and /health say so', async (t) => {
  const own = await startTestRedis(t);
  const a = await answering(t);
  const { client, logs, url } = await withOne(t, a, {
    redis: own.url,
    rateLimits: { client: { requestsPerMinute: 2 } },
  });
  const health = async () =>
    (await (await fetch(`${url}/health`)).json()) as { status: string; redis: string };
  assert.equal((await health()).redis, 'connected');
  await own.stop();
  await ask(client, 'claude-sonnet-4-6');
  await ask(client, 'claude-sonnet-4-6');
  // The third within the minute is refused by the local count, not let through unlimited.
  assert.equal((await rejection(ask(client, 'claude-sonnet-4-6'))).status, 429);
  assert.equal(a.requests.length, 2);
  assert.ok(
    logs.some(
      (l) => l.msg === 'router: Redis unreachable; counting on this instance until it answers',
    ),
  );
  const down = await health();
  assert.equal(down.status, 'degraded');
  assert.match(down.redis, /unreachable/);
  await own.start();
  // ioredis reconnects on its own, with a backoff.
  await until(health, (h) => h.status === 'ok' && h.redis === 'connected');
});

test('an instance starts and serves while its Redis is unreachable', async (t) => {
  const own = await startTestRedis(t);
  await own.stop();
  const a = await answering(t);
  const { client, logs } = await withOne(t, a, { redis: own.url });
  await ask(client, 'claude-sonnet-4-6');
  assert.ok(
    logs.some(
      (l) => l.msg === 'router: Redis unreachable; counting on this instance until it answers',
    ),
  );
  assert.equal(a.requests.length, 1);
});

test('memory state: entries of keys never read again are swept once expired', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const state = memoryState();
  const set = (n: number | undefined) => [(n ?? 0) + 1, undefined] as const;
  for (let i = 0; i < 1024; i++) await state.update(`client-${i}`, 1000, set);
  t.mock.timers.tick(1000);
  for (let i = 0; i < 1024; i++) await state.update('busy', 1000, set);
  assert.equal(await state.get('busy'), 1024);
  assert.equal(state.size, 1);
});
