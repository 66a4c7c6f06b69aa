// Builds the JavaScript the package runs (`npm run build:ts`, after tsc has written the `.d.ts`):
// the three entry points (the CLI, `ccproxy`, `ccproxy/plugins`) bundled by esbuild with code
// splitting, so that they share one copy of every module (a config's plugins and the CLI's server
// use the same logger and pools) and what runs only on some paths (a command, a driver, the
// tokenizer) stays in chunks of its own, loaded by `import()` when needed. One file per chunk
// instead of ~1,000 modules: the start-up spent most of its time finding and reading files.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Left to node_modules: native addons (better-sqlite3), code that runs workers or loads files by
 * path (pino), and large drivers and libraries loaded
 * only when a config uses them (PostgreSQL, Redis, OpenTelemetry's exporter, the tokenizer).
 * OpenTelemetry's API is bundled: prom-client requires it at start.
 */
const external = [
  'better-sqlite3',
  'pg',
  'ioredis',
  'pino',
  'pino-pretty',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
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

/** Where the pricing catalog's data goes, read by the bundled `@pydantic/genai-prices` at load. */
const PRICES_JSON = 'dist/genai-prices.json';

/**
 * `@pydantic/genai-prices` ships its catalog as an 800 KB JavaScript array literal in the module
 * itself. V8 keeps a module's source for as long as the module lives (as UTF-16: it holds
 * non-Latin-1 characters), parses the literal into a 6 MB syntax tree and keeps the literal's
 * boilerplate beside the data: 15 MB of a bare Node's memory against 3 MB for the same data read
 * as JSON. The bundle takes the package's own code unchanged, with the literal replaced by
 * `JSON.parse` of a file written here from it (checked equal), so prices are exactly the package's.
 */
const pricesAsJson = {
  name: 'genai-prices-json',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@pydantic[\\/]genai-prices[\\/]dist[\\/]index\.js$/ },
      ({ path }) => {
        const source = readFileSync(path, 'utf8');
        // The catalog is the module's first statement: `const E = [` … `\n], J = {` (the next one).
        const literal = /^const (\w+) = (\[\n[\s\S]*?\n\]), (?=\w+ = \{)/.exec(source);
        if (!literal) throw new Error(`${path}: the price catalog literal was not found`);
        const [whole, name, array] = literal;
        const catalog = new Function(`return ${array};`)();
        const json = JSON.stringify(catalog).replace(
          /[\u0080-\uffff]/g,
          // Escaped, the file is ASCII: V8 reads and parses it as a one-byte string.
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        assert.deepEqual(JSON.parse(json), catalog, 'the price catalog survives JSON');
        writeFileSync(PRICES_JSON, json);
        return {
          contents: `import { readFileSync as readCatalog } from 'node:fs';
import { join as joinCatalog } from 'node:path';
import { packageRoot as catalogRoot } from ${JSON.stringify(fileURLToPath(new URL('../core/package-info.ts', import.meta.url)))};
const ${name} = JSON.parse(readCatalog(joinCatalog(catalogRoot(), ${JSON.stringify(PRICES_JSON)}), 'utf8')), ${source.slice(whole.length)}`,
          loader: 'js',
        };
      },
    );
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
  plugins: [undiciParts, pricesAsJson],
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
