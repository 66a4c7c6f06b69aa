import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig, startProxy } from 'ccproxy';
import { envPreset } from 'ccproxy/plugins';

const here = fileURLToPath(new URL('.', import.meta.url));
const configs = readdirSync(here).filter((name) => name.endsWith('.config.ts'));
// Keys as a user would export them; no upstream is called. The env defaults take ANTHROPIC_API_KEY
// as the client key, the multi-provider example CCPROXY_API_KEY: one value serves both.
const env = {
  OPENAI_API_KEY: 'sk-test',
  GEMINI_API_KEY: 'g-test',
  ANTHROPIC_API_KEY: 'client',
  CCPROXY_API_KEY: 'client',
};

test('every example config is found', () => {
  assert.deepEqual(configs.sort(), ['env-defaults-plus.config.ts', 'multi-provider.config.ts']);
});

for (const name of configs) {
  test(`examples/${name} loads, passes every start-up check and serves on loopback`, async () => {
    const config = await loadConfig({
      flags: { config: name },
      cwd: here,
      env,
      fallback: envPreset,
    });
    const proxy = await startProxy(
      { ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } },
      { env, logger: pino({ level: 'silent' }) },
    );
    try {
      assert.ok(proxy.runtime.providers.size > 0);
      assert.ok(
        proxy.runtime.pipeline.plugins.some((p) => p.name === 'secret-guard'),
        'the in-house plugin is in the pipeline',
      );
      const models = await fetch(`${proxy.url}/v1/models`, { headers: { 'x-api-key': 'client' } });
      assert.equal(models.status, 200);
    } finally {
      await proxy.close();
    }
  });
}
