import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { defineConfig, loadConfig, type Plugin } from '../../core/index.ts';
import { configHooksRegistered } from '../../core/config/module-hooks.ts';

// The tests run in order: the first asserts that nothing has registered the hooks yet, in this
// process of its own (node --test runs each file in one).

/** A folder holding `files` (path → text) and no package.json, removed after the test. */
async function folder(t: TestContext, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ccproxy-packages-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const load = (cwd: string) =>
  loadConfig({ cwd, env: { HOME: join(cwd, 'home') }, fallback: () => [] });

/** A package in the folder's node_modules. */
const pkg = (name: string, main: string, text: string) => ({
  [`node_modules/${name}/package.json`]: JSON.stringify({ name, type: 'module', exports: main }),
  [`node_modules/${name}/${main.slice(2)}`]: text,
});

test("a config importing ccproxy, Node's modules and its own TypeScript files runs without module hooks", async (t) => {
  const cwd = await folder(t, {
    'ccproxy.config.ts': `import { defineConfig } from 'ccproxy';
import { join } from 'node:path';
import { team } from './team/headers.ts';
export default defineConfig({ plugins: [team(join('a', 'b'))] });
`,
    'team/headers.ts': `import { customHeaders } from 'ccproxy/plugins';
export const team = (value: string) => customHeaders({ headers: { 'x-team': value } });
`,
  });
  const config = await load(cwd);
  assert.equal((config.plugins[0] as Plugin).name, 'custom-headers');
  assert.equal(configHooksRegistered(), false, 'no module-hooks thread');
  assert.deepEqual(await readdir(cwd), ['ccproxy.config.ts', 'team'], 'nothing left beside it');
});

test('in-house packages written in TypeScript are compiled in and share the running ccproxy, still without hooks', async (t) => {
  const cwd = await folder(t, {
    ...pkg(
      'ccproxy-plugin-ts',
      './index.ts',
      `import { customHeaders } from 'ccproxy/plugins';
import { TEAM } from 'team-constants';
export const team = (): ReturnType<typeof customHeaders> => customHeaders({ headers: { 'x-team': TEAM } });
export { defineConfig } from 'ccproxy-cli';
`,
    ),
    // A TypeScript package the first one imports: found only once the first is compiled in.
    ...pkg('team-constants', './index.mts', `export const TEAM: string = 'ts';\n`),
    'ccproxy.config.ts': `import { defineConfig } from 'ccproxy';
import { team, defineConfig as theirs } from 'ccproxy-plugin-ts';
export default defineConfig({ plugins: [{ ...team(), same: theirs === defineConfig }] });
`,
  });
  const [plugin] = (await load(cwd)).plugins as Array<Plugin & { same: boolean }>;
  assert.deepEqual([plugin!.name, plugin!.same], ['custom-headers', true]);
  assert.equal(configHooksRegistered(), false);
});

test("an in-house JavaScript package importing 'ccproxy/plugins' as a peer gets the running ccproxy, not a copy beside it", async (t) => {
  const cwd = await folder(t, {
    // A copy installed for editor types (or an older one): the package must not get it.
    ...pkg('ccproxy', './index.js', `export const defineConfig = () => 'a second ccproxy';\n`),
    ...pkg(
      'ccproxy-plugin-js',
      './index.js',
      `import { customHeaders } from 'ccproxy/plugins';
import { defineConfig } from 'ccproxy';
export const team = () => ({ ...customHeaders({ headers: { 'x-team': 'js' } }), defineConfig });
`,
    ),
    'ccproxy.config.mjs': `import { team } from 'ccproxy-plugin-js';
export default { plugins: [team()] };
`,
  });
  const [plugin] = (await load(cwd)).plugins as Array<Plugin & { defineConfig: unknown }>;
  assert.equal(configHooksRegistered(), true, 'a package imported: the hooks are registered');
  assert.equal(plugin!.name, 'custom-headers');
  assert.equal(plugin!.defineConfig, defineConfig, "the package's 'ccproxy' is this ccproxy");
});
