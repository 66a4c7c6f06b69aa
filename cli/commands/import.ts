import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import { hasCockpit, renderConfig } from '../config-writer.ts';
import { importCcProxyJson } from '../importers/cc-proxy-json.ts';
import { importCcProxyToml } from '../importers/cc-proxy-toml.ts';
import { importCcr } from '../importers/ccr.ts';
import { importGoCcproxy } from '../importers/go-ccproxy.ts';
import { importPythonEnv } from '../importers/python-env.ts';
import type { Imported } from '../importers/shape.ts';

/** The formats `ccproxy import` reads, by the name given on the command line. */
export const IMPORTERS = {
  ccr: importCcr,
  'go-ccproxy': importGoCcproxy,
  env: importPythonEnv,
  toml: importCcProxyToml,
  'cc-proxy-json': importCcProxyJson,
} satisfies Record<string, (text: string, file: string) => Imported>;

export type ImportFormat = keyof typeof IMPORTERS;

export interface ImportFlags {
  out: string;
  force?: boolean;
}

/**
 * `ccproxy import FORMAT FILE`: writes a `ccproxy.config.ts` doing what the peer's config did,
 * with its keys in a `.env` beside it (the config reads them from the environment), and lists
 * what has no equivalent. A malformed file writes nothing.
 */
export async function importConfig(
  format: ImportFormat,
  file: string,
  flags: ImportFlags,
): Promise<void> {
  const out = resolve(flags.out);
  if (existsSync(out) && !flags.force)
    throw new ConfigError(`${flags.out}: already exists; --force overwrites it`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
  }
  const imported = IMPORTERS[format](text, file);
  imported.spec.cockpit = await hasCockpit();
  writeFileSync(out, renderConfig(imported.spec));
  const report = [`wrote ${flags.out}`];
  const keys = writeSecrets(join(dirname(out), '.env'), imported.secrets);
  if (keys.length) report.push(`wrote ${keys.join(', ')} to .env (read at start; keep it private)`);
  if (imported.dropped.length)
    report.push('not carried over:', ...imported.dropped.map((line) => `  ${line}`));
  process.stdout.write(`${report.join('\n')}\n`);
}

/**
 * Adds the keys to `.env` (created private), leaving every variable it already sets alone.
 * Returns the names written.
 */
function writeSecrets(file: string, secrets: Record<string, string>): string[] {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const present = parseEnv(existing);
  const added = Object.entries(secrets).filter(([name]) => present[name] === undefined);
  if (added.length === 0) return [];
  const lines = added.map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  const separator = existing && !existing.endsWith('\n') ? '\n' : '';
  writeFileSync(file, `${existing}${separator}${lines.join('\n')}\n`, { mode: 0o600 });
  return added.map(([name]) => name);
}
