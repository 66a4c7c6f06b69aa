import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../../core/package-info.ts';

/** One built file, held in memory with its gzip form (the whole UI is some 100 KB). */
export interface Asset {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  /** Vite names files under `assets/` by content hash: they never change under that name. */
  immutable: boolean;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt']);

/** The built UI's folder, `ui/dist` at the package root. */
export const defaultAssetsDir = (): string => join(packageRoot(), 'ui', 'dist');

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Every file of a built UI, by its URL path under `/ui/` (`index.html`, `assets/index-ab12.js`);
 * undefined when the folder holds no `index.html` (the UI was not built).
 */
export function loadAssets(dir: string): Map<string, Asset> | undefined {
  if (!existsSync(join(dir, 'index.html')) || !statSync(dir).isDirectory()) return undefined;
  const assets = new Map<string, Asset>();
  for (const path of files(dir)) {
    const name = relative(dir, path).split(sep).join('/');
    const ext = extname(name).toLowerCase();
    const body = readFileSync(path);
    assets.set(name, {
      body,
      gzip: COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body) : undefined,
      type: TYPES[ext] ?? 'application/octet-stream',
      immutable: name.startsWith('assets/'),
    });
  }
  return assets;
}
