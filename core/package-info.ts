import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What ccproxy's own package.json says about it. */
export interface PackageInfo {
  /** The name it is published under (configs may import it as well as `'ccproxy'`). */
  name: string;
  version: string;
}

let info: PackageInfo | undefined;

/**
 * ccproxy's package.json: the nearest one above this module, one folder up from the sources
 * (`core/`) and two from the compiled package (`dist/core/`).
 */
export function packageInfo(): PackageInfo {
  if (info) return info;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as PackageInfo;
      return (info = { name, version });
    }
    if (dirname(dir) === dir) throw new Error('ccproxy: its package.json is missing');
  }
}
