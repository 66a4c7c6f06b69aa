import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageInfo, packageRoot } from '../package-info.ts';

/**
 * Runs in Node's module-hooks thread (a `data:` URL, so it needs no file of its own, compiled or
 * not). Two rules, both for configs and the files they import:
 * - `'ccproxy'`, `'ccproxy/plugins'` and the same under the published name resolve to the running
 *   ccproxy, from any folder and from any in-house plugin package (its peer import): a config in
 *   `~/.ccproxy/` has no `node_modules`, and a copy installed beside it for editor types must not
 *   become a second ccproxy with its own logger and connection pools;
 * - a `.ts` file outside `node_modules` is an ES module even where no package.json says
 *   `"type": "module"` (`~/.ccproxy/`, a bare folder): Node would take it for CommonJS, which
 *   cannot import ccproxy's ES modules on Node 20.
 */
const HOOKS = `
let aliases = {};
export function initialize(data) { aliases = data.aliases; }
export async function resolve(specifier, context, next) {
  const resolved = await next(aliases[specifier] ?? specifier, context);
  if (resolved.format !== 'commonjs' || !resolved.url.startsWith('file:')) return resolved;
  const { pathname } = new URL(resolved.url);
  if (!pathname.endsWith('.ts') || pathname.includes('/node_modules/')) return resolved;
  return { ...resolved, format: 'module' };
}
`;

const running = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
let hooks: Promise<void> | undefined;
let tsx: Promise<void> | undefined;

/**
 * Makes this process able to import a config: the hooks above, and for a TypeScript config tsx
 * (loaded here, only then; the sources themselves run under a TypeScript loader already). tsx
 * goes first in the chain: the hooks must see a file's format after tsx has guessed it.
 */
export async function registerConfigHooks(typescript: boolean): Promise<void> {
  if (typescript && running === 'js' && !tsx) {
    tsx = import('tsx/esm/api').then(({ register }) => void register());
    await tsx;
    if (hooks) hooks = undefined; // registered before tsx: again, after it
  }
  await (hooks ??= Promise.resolve().then(() => {
    // The entry points themselves: the sources', or the package's (whose chunks the CLI shares).
    const code = running === 'ts' ? packageRoot() : join(packageRoot(), 'dist');
    const core = pathToFileURL(join(code, 'core', `index.${running}`)).href;
    const plugins = pathToFileURL(join(code, 'plugins', `index.${running}`)).href;
    const { name } = packageInfo();
    const aliases = {
      ccproxy: core,
      'ccproxy/plugins': plugins,
      [name]: core,
      [`${name}/plugins`]: plugins,
    };
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { aliases } });
  }));
}
