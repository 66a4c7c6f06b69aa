// Builds the JavaScript the package runs (`npm run build:ts`, after tsc has written the `.d.ts`):
// the three entry points (the CLI, `ccproxy`, `ccproxy/plugins`) bundled by esbuild with code
// splitting, so that they share one copy of every module (a config's plugins and the CLI's server
// use the same logger and pools) and what runs only on some paths (a command, a driver, the
// tokenizer) stays in chunks of its own, loaded by `import()` when needed. One file per chunk
// instead of ~1,000 modules: the start-up spent most of its time finding and reading files.
import process from 'node:process';
import { build } from 'esbuild';

/**
 * Left to node_modules: native addons (better-sqlite3), code that runs workers or loads files by
 * path (pino, esbuild, the pricing catalog's data), and large drivers and libraries loaded
 * only when a config uses them (PostgreSQL, Redis, OpenTelemetry's exporter, the tokenizer).
 * OpenTelemetry's API is bundled: prom-client requires it at start.
 */
const external = [
  'better-sqlite3',
  'pg',
  'ioredis',
  'pino',
  'pino-pretty',
  'esbuild',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
  '@pydantic/genai-prices',
  'gpt-tokenizer',
  'gpt-tokenizer/*',
];

/**
 * `undici`'s main module loads all of undici (fetch, WebSocket, mocks, caches: 1 MB of source);
 * ccproxy calls upstreams through an Agent and tells timeouts by undici's error classes, nothing
 * else. The bundle takes those two modules only (the build fails if a new undici moves them).
 */
const undiciParts = {
  name: 'undici-parts',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-parts' }));
    build.onLoad({ filter: /.*/, namespace: 'undici-parts' }, () => ({
      contents: `import Agent from 'undici/lib/dispatcher/agent.js';
import errors from 'undici/lib/core/errors.js';
export { Agent, errors };`,
      resolveDir: process.cwd(),
    }));
  },
};

await build({
  entryPoints: ['cli/main.ts', 'core/index.ts', 'plugins/index.ts'],
  outbase: '.',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external,
  plugins: [undiciParts],
  // Whitespace and comments out: a third of the size, and the few non-Latin-1 characters of
  // comments would make V8 hold a whole chunk's source as UTF-16, twice its bytes. Names are kept,
  // so that a stack trace still says which function.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  // Bundled CommonJS dependencies (undici, koa, ajv) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __ccproxyRequire } from 'node:module'; const require = __ccproxyRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
