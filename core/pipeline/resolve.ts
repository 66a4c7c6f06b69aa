import { ConfigError } from '../errors.ts';
import type { Plugin, PluginOption } from '../plugin.ts';

const TIER = { pre: 0, normal: 1, post: 2 } as const;
const HOOK_KEYS = new Set([
  'name',
  'enforce',
  'setup',
  'onHeaders',
  'onRequest',
  'wrapStream',
  'onEvent',
  'onFinish',
  'close',
]);

/** Flattens presets, drops the `false` that `enabled && plugin()` leaves, sorts into tiers. */
export function resolvePlugins(options: readonly PluginOption[], source = 'config'): Plugin[] {
  // Each plugin with its path in the config (`plugins[3]`, `plugins[2][0]`), for errors.
  const flat: [Plugin, string][] = [];
  const visit = (option: PluginOption, path: string): void => {
    if (Array.isArray(option)) option.forEach((o, i) => visit(o, `${path}[${i}]`));
    else if (option) flat.push([option, path]);
  };
  options.forEach((o, i) => visit(o, `plugins[${i}]`));
  checkPlugins(flat, source);
  // sort is stable: inside a tier, plugins keep the order the config gave them.
  return flat
    .map(([plugin]) => plugin)
    .sort((a, b) => TIER[a.enforce ?? 'normal'] - TIER[b.enforce ?? 'normal']);
}

/** Start-up checks: names, hook keys and an async `onEvent` are mistakes to catch before serving. */
function checkPlugins(plugins: readonly [Plugin, string][], source: string): void {
  const seen = new Set<string>();
  for (const [plugin, path] of plugins) {
    const where = `${source}: ${path}`;
    if (typeof plugin !== 'object' || typeof plugin.name !== 'string' || !plugin.name) {
      throw new ConfigError(
        `${where}: expected a plugin object with a "name", got ${describe(plugin)}`,
      );
    }
    if (seen.has(plugin.name)) {
      throw new ConfigError(`${where} (${plugin.name}): duplicate plugin name "${plugin.name}"`);
    }
    seen.add(plugin.name);
    for (const key of Object.keys(plugin)) {
      if (!HOOK_KEYS.has(key)) {
        const hint = suggest(key, [...HOOK_KEYS]);
        throw new ConfigError(
          `${where} (${plugin.name}): unknown hook "${key}"${hint ? `; did you mean "${hint}"?` : ''}`,
        );
      }
    }
    if (plugin.enforce !== undefined && plugin.enforce !== 'pre' && plugin.enforce !== 'post') {
      throw new ConfigError(
        `${where} (${plugin.name}): enforce: expected "pre" or "post", got ${describe(plugin.enforce)}`,
      );
    }
    if (plugin.onEvent?.constructor.name === 'AsyncFunction') {
      throw new ConfigError(
        `${where} (${plugin.name}): onEvent must be synchronous; move slow work to onFinish`,
      );
    }
    if (plugin.onHeaders?.constructor.name === 'AsyncFunction') {
      throw new ConfigError(
        `${where} (${plugin.name}): onHeaders must be synchronous; it decides on headers alone`,
      );
    }
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The closest candidate within two edits, for "did you mean". */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
