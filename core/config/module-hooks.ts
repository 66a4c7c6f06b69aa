import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageInfo, packageRoot } from '../package-info.ts';

/**
 * Runs in Node's module-hooks thread (a `data:` URL, so it needs no file of its own, compiled or
 * not): `'ccproxy'`, `'ccproxy/plugins'` and the same under the published name resolve to the
 * running ccproxy from an in-house plugin package (its peer import), so that a copy installed
 * beside a config for editor types does not become a second ccproxy with its own logger and
 * connection pools.
 */
const HOOKS = `
let aliases = {};
export function initialize(data) { aliases = data.aliases; }
export function resolve(specifier, context, next) {
  return next(aliases[specifier] ?? specifier, context);
}
`;

const running = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
let aliases: Record<string, string> | undefined;
let registered = false;

/**
 * What a config's `'ccproxy'` and `'ccproxy/plugins'` (and the published name's) stand for: file
 * URLs of the running ccproxy's entry points, the sources' or the package's (whose chunks the CLI
 * shares).
 */
export function ccproxyAliases(): Readonly<Record<string, string>> {
  if (aliases) return aliases;
  const code = running === 'ts' ? packageRoot() : join(packageRoot(), 'dist');
  const core = pathToFileURL(join(code, 'core', `index.${running}`)).href;
  const plugins = pathToFileURL(join(code, 'plugins', `index.${running}`)).href;
  const { name } = packageInfo();
  return (aliases = {
    ccproxy: core,
    'ccproxy/plugins': plugins,
    [name]: core,
    [`${name}/plugins`]: plugins,
  });
}

/**
 * Makes packages a config imports resolve `'ccproxy'` to the running ccproxy. Called only for a
 * config importing packages: Node 20 runs these hooks in a thread of their own (about 10 MB), and
 * a config's own files get the same aliases when they are compiled.
 */
export function registerConfigHooks(): void {
  if (registered) return;
  registered = true;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { aliases: ccproxyAliases() },
  });
}

/** Whether the hooks above were registered in this process (configs without packages never do). */
export const configHooksRegistered = (): boolean => registered;
