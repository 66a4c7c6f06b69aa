import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** What reading `.env` did, for the banner. */
export interface DotenvRead {
  file: string;
  /** Variables the file set. */
  set: string[];
  /** Variables the file holds that the environment already set: the environment's value stays. */
  kept: string[];
}

// Variables this module set: a re-read (a reload after the file changed) may change or drop them,
// never one the environment gave.
const fromFile = new Set<string>();
let last: DotenvRead | null = null;

/**
 * Reads `.env` from `dir` into `env`, as the Python proxies did; a variable already in the
 * environment wins over the file. No file: nothing happens (a file removed since the last read
 * takes its variables with it).
 */
export function loadDotenv(dir = process.cwd(), env = process.env): DotenvRead | null {
  const file = join(dir, '.env');
  const exists = existsSync(file);
  const values = exists ? parseEnv(readFileSync(file, 'utf8')) : {};
  for (const name of fromFile) {
    if (name in values) continue;
    delete env[name];
    fromFile.delete(name);
  }
  const read: DotenvRead = { file, set: [], kept: [] };
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined && !fromFile.has(name)) {
      read.kept.push(name);
      continue;
    }
    env[name] = value;
    fromFile.add(name);
    read.set.push(name);
  }
  return (last = exists ? read : null);
}

/** The banner's line about `.env`, when one was read. */
export function dotenvNote(): string[] {
  if (!last) return [];
  const kept = last.kept.length ? `; the environment's ${last.kept.join(', ')} kept` : '';
  return [`.env read: ${last.set.length} variable${last.set.length === 1 ? '' : 's'}${kept}`];
}
