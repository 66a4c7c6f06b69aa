import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startTestPostgres } from '../../helpers/postgres.ts';
import { startTestRedis } from '../../helpers/redis.ts';
import { api } from '../live/helpers.ts';
import { until } from '../../helpers/until.ts';
import { ask, startGroup, type Instance } from './instances.ts';

// One PostgreSQL 15 cluster and one Redis for the file; each test has its own database.
const postgres = await startTestPostgres({ after });
const redis = await startTestRedis(null);
after(() => redis.stop());

const switchOf = async (instance: Instance) =>
  (await api(instance.url, 'GET', '/api/switch')).json as { middle: string };
const health = async (instance: Instance) =>
  (await api(instance.url, 'GET', '/health')).json as {
    status: string;
    cluster: { channel: string; connected: boolean };
  };

/** Switches `middle` (Sonnet) through the first instance; the others' views until they follow (ms each). */
async function switchAndWait(instances: Instance[], target: string): Promise<number[]> {
  const [first, ...others] = instances;
  const put = await api(first!.url, 'PUT', '/api/switch', { middle: target });
  assert.equal(put.status, 200, put.text);
  return Promise.all(
    others.map(
      async (o) =>
        (
          await until(
            () => switchOf(o),
            (s) => s.middle === target,
          )
        ).ms,
    ),
  );
}

for (const channel of ['redis', 'postgres'] as const) {
  test(`cluster (${channel}): a switch and a runtime provider made on one instance are used by the others`, async (t) => {
    const { instances, a, b } = await startGroup(t, {
      count: 3,
      storage: await postgres.database(),
      redis: channel === 'redis' ? redis.url : undefined,
    });
    const [i1, i2, i3] = instances as [Instance, Instance, Instance];
    for (const i of instances) {
      const { value } = await until(
        () => health(i),
        (h) => h.cluster.connected,
      );
      assert.equal(value.cluster.channel, channel);
    }
    assert.equal(await ask(i2), 'from a');

    const delays = await switchAndWait(instances, 'b,model-b');
    t.diagnostic(
      `switch seen by the other instances after ${delays.map(Math.round).join(', ')} ms`,
    );
    assert.equal(await ask(i2), 'from b');
    assert.equal(await ask(i3), 'from b');
    assert.equal(b.requests.at(-1)?.body.model, 'model-b');

    // A provider added through i2 is routable through i3 and i1.
    const added = await api(i2.url, 'POST', '/api/providers', {
      kind: 'openai',
      name: 'c',
      baseUrl: `${a.url}/v1`,
      apiKey: 'sk-test-runtime-c-0000',
    });
    assert.equal(added.status, 201, added.text);
    for (const other of [i3, i1]) {
      await until(
        async () =>
          (await api(other.url, 'GET', '/api/providers')).json as { providers: { name: string }[] },
        (list) => list.providers.some((p) => p.name === 'c'),
      );
      assert.equal(await ask(other, 'c,model-c'), 'from a');
    }
    assert.equal(a.requests.at(-1)?.body.model, 'model-c');
  });
}

test('cluster: with Redis stopped a switch still reaches the others (polling storage), /health says so, and the channel returns', async (t) => {
  const own = await startTestRedis(t);
  const { instances } = await startGroup(t, {
    count: 2,
    storage: await postgres.database(),
    redis: own.url,
  });
  for (const i of instances)
    await until(
      () => health(i),
      (h) => h.cluster.connected,
    );
  await own.stop();
  for (const i of instances) {
    const h = await until(
      () => health(i),
      (h) => !h.cluster.connected,
    );
    assert.equal(h.value.status, 'degraded');
  }
  assert.equal(await ask(instances[1]!), 'from a'); // requests are still served
  const [delay] = await switchAndWait(instances, 'b,model-b');
  t.diagnostic(`switch seen by polling after ${Math.round(delay!)} ms`);
  assert.equal(await ask(instances[1]!), 'from b');

  await own.start();
  for (const i of instances) {
    const h = await until(
      () => health(i),
      (h) => h.cluster.connected,
    );
    assert.equal(h.value.status, 'ok');
  }
  await switchAndWait(instances, 'a,model-a');
  assert.equal(await ask(instances[1]!), 'from a');
});
