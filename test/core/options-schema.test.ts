import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../core/index.ts';
import { misspeltConfig } from '../types/misspelt-config.ts';
import { misspelt } from '../types/misspelt-options.ts';

// The cases are the ones tsc refuses to compile (test/types/misspelt-options.ts): a config that
// slipped past the editor (plain JS, `as never`) stops at start-up on the same option path.
for (const { make, error } of misspelt) {
  test(`a misspelt option stops the factory: ${error}`, () => {
    assert.throws(make, (e) => e instanceof ConfigError && e.message === error);
  });
}

// The same for the config's own keys (test/types/misspelt-config.ts), through the loader: a
// ccproxy.config.ts whose default export is the case's config.
const FIXTURE = new URL('../types/misspelt-config.ts', import.meta.url).href;
misspeltConfig.forEach(({ error }, i) => {
  test(`a misspelt config key stops the start: ${error}`, async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'ccproxy-misspelt-'));
    t.after(() => rm(cwd, { recursive: true, force: true }));
    await writeFile(
      join(cwd, 'ccproxy.config.ts'),
      `import { misspeltConfig } from '${FIXTURE}';\nexport default misspeltConfig[${i}]!.config();\n`,
    );
    const loading = loadConfig({ cwd, env: { HOME: cwd }, fallback: () => [] });
    await assert.rejects(loading, (e) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.message, `ccproxy.config.ts: ${error}`);
      return true;
    });
  });
});
