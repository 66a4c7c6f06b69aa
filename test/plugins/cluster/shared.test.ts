import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { APIError } from '@anthropic-ai/sdk';
import { startTestPostgres } from '../../helpers/postgres.ts';
import { until } from '../../helpers/until.ts';
import { api } from '../live/helpers.ts';
import { ask, startGroup } from './instances.ts';

const postgres = await startTestPostgres({ after });

interface Usage {
  total: { requests: number; cost_usd: number | null };
  rows: { key: string | null; requests: number }[];
}

test('cluster: usage written through each instance is seen from each; a day budget spent through one is enforced by the other', async (t) => {
  // Each answer costs $1.27 at the config's prices; the day budget is $2.
  const { instances } = await startGroup(t, {
    count: 2,
    storage: await postgres.database(),
    env: { TEST_DAY_BUDGET: '2' },
  });
  const [i1, i2] = instances as [(typeof instances)[0], (typeof instances)[0]];
  assert.equal(await ask(i2), 'from a'); // i2 has now read the budget's spend: $0, then $1.27
  assert.equal(await ask(i1), 'from a');

  for (const each of instances) {
    const { value } = await until(
      async () => (await api(each.url, 'GET', '/api/usage?by=provider')).json as Usage,
      (u) => u.total.requests === 2,
    );
    assert.equal(Math.round(value.total.cost_usd! * 100), 254);
  }
  const byInstance = (await api(i1.url, 'GET', '/api/requests')).json as {
    items: { instance: string }[];
  };
  assert.deepEqual(byInstance.items.map((r) => r.instance).sort(), ['i1', 'i2']);

  // i2 re-reads the shared spend within a second; its statusline shows the budget spent.
  await until(
    async () =>
      (await api(i2.url, 'GET', '/api/statusline')).json as { budget: { left_usd: number } | null },
    (s) => s.budget !== null && s.budget.left_usd <= 0,
  );
  const refused = await ask(i2).catch((error: unknown) => error);
  assert.ok(refused instanceof APIError, String(refused));
  assert.equal(refused.status, 402);
  assert.match(refused.message, /day budget of \$2\.00 is spent/);
});
