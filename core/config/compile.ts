import { rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildFailure, Metafile, Plugin as EsbuildPlugin } from 'esbuild';
import { ccproxyAliases, registerConfigHooks } from './module-hooks.ts';

/** A config compiled to one ES module. */
export interface CompiledConfig {
  /** JavaScript with an inline source map to the author's files. */
  code: string;
  /** Packages it imports from `node_modules`, left to Node (Node's own modules not counted). */
  packages: string[];
}

// Marks esbuild's own resolution, asked from inside the plugin, so that the plugin lets it through.
const NESTED = Symbol('nested');
const TYPESCRIPT = /\.[cm]?tsx?$/;
// `file:`, `data:`, `node:`: a URL Node imports as it is.
const URL_SPECIFIER = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Decides, import by import, what goes into the compiled config:
 * - `'ccproxy'`, `'ccproxy/plugins'` (and the published name's): the running ccproxy's entry
 *   points, by file URL, from any folder (a config in `~/.ccproxy/` has no `node_modules`);
 * - the author's own files (relative paths) and what resolves to TypeScript (a tsconfig `paths`
 *   alias, an in-house plugin package shipping `.ts`): compiled in, since Node cannot run them;
 * - other packages: left to Node, which finds them from the config's folder at import.
 */
const resolveImports: EsbuildPlugin = {
  name: 'ccproxy-config',
  setup(build) {
    const aliases = ccproxyAliases();
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === NESTED || args.kind === 'entry-point') return undefined;
      const alias = aliases[args.path];
      if (alias) return { path: alias, external: true };
      if (URL_SPECIFIER.test(args.path) || isBuiltin(args.path)) {
        return { path: args.path, external: true };
      }
      if (args.path.startsWith('.') || isAbsolute(args.path)) return undefined;
      const found = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: NESTED,
      });
      // Not found: esbuild's own resolver reports it, at the import's line.
      if (found.errors.length > 0) return undefined;
      return TYPESCRIPT.test(found.path)
        ? { path: found.path }
        : { path: args.path, external: true };
    });
  },
};

let building = 0;

/**
 * Compiles a config and the files it imports with esbuild, on this thread: esbuild's binary runs
 * as a child process, stopped once no compile is in flight, so nothing of the compiler stays in
 * this process or beside it. A mistake throws esbuild's BuildFailure, its locations absolute.
 */
export async function compileConfig(file: string, outfile: string): Promise<CompiledConfig> {
  const esbuild = await import('esbuild');
  const folder = dirname(file);
  building++;
  try {
    const { outputFiles, metafile } = await esbuild.build({
      entryPoints: [file],
      outfile,
      absWorkingDir: folder,
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      // Node's resolution, not a bundler's: no `module` condition or field.
      conditions: [],
      mainFields: ['main'],
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [resolveImports],
    });
    return { code: outputFiles[0]!.text, packages: packagesOf(metafile) };
  } catch (error) {
    for (const message of (error as Partial<BuildFailure>).errors ?? []) {
      if (message.location) message.location.file = resolve(folder, message.location.file);
    }
    throw error;
  } finally {
    if (--building === 0) await esbuild.stop();
  }
}

function packagesOf(metafile: Metafile): string[] {
  const imports = Object.values(metafile.outputs).flatMap((output) => output.imports);
  const packages = imports
    .filter(({ path, external }) => external && !URL_SPECIFIER.test(path) && !isBuiltin(path))
    .map(({ path }) => path);
  return [...new Set(packages)];
}

let compiled = 0;

/**
 * Imports a config compiled by `compileConfig`: written beside it for the time of the import, so
 * that the packages it imports resolve from its folder (a project's `node_modules`) and
 * `import.meta.dirname` is its folder, then removed. Packages get ccproxy's module hooks (a
 * plugin package's peer import of `'ccproxy'`); a config without any needs no hooks thread.
 * Stack traces point into the author's files through the source map.
 */
export async function importConfigFile(file: string): Promise<unknown> {
  const outfile = join(dirname(file), `.${basename(file)}.${process.pid}-${++compiled}.mjs`);
  const { code, packages } = await compileConfig(file, outfile);
  if (packages.length > 0) registerConfigHooks();
  process.setSourceMapsEnabled(true);
  await writeFile(outfile, code);
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(outfile, { force: true });
  }
}
