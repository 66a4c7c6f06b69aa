import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import pino from 'pino';
import { loadConfig, startProxy } from '../../../core/index.ts';
import { envPreset } from '../../../plugins/index.ts';
import { startTestPostgres } from '../../helpers/postgres.ts';
import { startTestRedis } from '../../helpers/redis.ts';
import { until } from '../../helpers/until.ts';

const folder = fileURLToPath(new URL('../../../examples/several-instances/', import.meta.url));

test('examples/several-instances: the config migrates PostgreSQL and connects the Redis change channel', async (t) => {
  const postgres = await startTestPostgres(t);
  const redis = await startTestRedis(t);
  const env = {
    DATABASE_URL: await postgres.database(),
    REDIS_URL: redis.url,
    OPENAI_API_KEY: 'sk-test',
    CCPROXY_API_KEY: 'client',
    CCPROXY_ADMIN_KEY: 'admin',
    CCPROXY_INSTANCE_ID: 'ccproxy-1',
  };
  const config = await loadConfig({
    flags: { config: 'ccproxy.config.ts' },
    cwd: folder,
    env,
    fallback: envPreset,
  });
  const proxy = await startProxy(
    { ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } },
    { env, logger: pino({ level: 'silent' }) },
  );
  t.after(() => proxy.close());
  const health = async () =>
    (await (await fetch(`${proxy.url}/health`, { headers: { 'x-api-key': 'client' } })).json()) as {
      storage: { engine: string; reachable: boolean };
      cluster: { instance: string; channel: string; connected: boolean };
    };
  const { value } = await until(health, (h) => h.cluster.connected);
  assert.deepEqual(value.cluster, { instance: 'ccproxy-1', channel: 'redis', connected: true });
  assert.equal(value.storage.engine, 'postgres');
  assert.equal(value.storage.reachable, true);
});
