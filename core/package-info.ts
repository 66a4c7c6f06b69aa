import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What ccproxy's own package.json says about it. */
export interface PackageInfo {
  /** The name it is published under (configs may import it as well as `'ccproxy'`). */
  name: string;
  version: string;
}

let root: string | undefined;
let info: PackageInfo | undefined;

/**
 * ccproxy's package folder: the nearest one above this module holding a package.json. The module
 * runs from `core/` in the sources and from a bundle chunk under `dist/` in the package, so no
 * path relative to it is the same in both; the package root is.
 */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir);
    if (dirname(dir) === dir) throw new Error('ccproxy: its package.json is missing');
  }
}

/** ccproxy's package.json. */
export function packageInfo(): PackageInfo {
  if (info) return info;
  const manifest = join(packageRoot(), 'package.json');
  const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as PackageInfo;
  return (info = { name, version });
}
