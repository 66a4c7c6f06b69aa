import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web UI's build: Preact through Vite's own JSX transform (no plugin), served by `ui()` at
 * `/ui/`. Everything is bundled: the page makes no request to another origin.
 */
export default defineConfig({
  root,
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; no modulepreload polyfill script inlined (the CSP forbids inline scripts).
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  logLevel: 'warn',
});
