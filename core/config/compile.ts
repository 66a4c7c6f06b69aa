import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { BuildFailure, Message, Metafile } from 'esbuild';
import { ccproxyAliases, registerConfigHooks } from './module-hooks.ts';

const TYPESCRIPT = /\.[cm]?tsx?$/;
// `file:`, `data:`, `node:`: a URL Node imports as it is (two letters at least: not `C:`).
const URL_SPECIFIER = /^[a-z][a-z0-9+.-]+:/i;

/** A package the compiled config leaves to Node, and a file importing it. */
interface PackageImport {
  specifier: string;
  importer: string;
}

/**
 * Compiles a config and the files it imports into `outfile`, one ES module with an inline source
 * map to the author's files, and returns the packages it leaves to Node. esbuild's binary does it,
 * run once per compile like a command: its JavaScript API, loaded here, would hold 4–6 MB of this
 * process for good. Three rules:
 * - `'ccproxy'`, `'ccproxy/plugins'` (and the published name's): the running ccproxy's entry
 *   points, by file URL, from any folder (a config in `~/.ccproxy/` has no `node_modules`);
 * - the author's own files (relative paths, tsconfig `paths` aliases) and packages whose entry is
 *   TypeScript (an in-house plugin shipping `.ts`): compiled in, since Node cannot run them;
 * - other packages: left to Node, which finds them from the config's folder at import.
 *
 * A mistake throws an esbuild BuildFailure, its locations absolute.
 */
export async function compileConfig(file: string, outfile: string): Promise<string[]> {
  const compiledIn: Record<string, string> = {};
  for (;;) {
    const imports = await build(file, outfile, compiledIn);
    let added = false;
    for (const each of imports) {
      if (each.specifier in compiledIn) continue;
      const entry = await entryOf(each, dirname(file));
      if (entry && TYPESCRIPT.test(entry)) [compiledIn[each.specifier], added] = [entry, true];
    }
    // A package compiled in may import another TypeScript one: compiled again with it.
    if (!added) return [...new Set(imports.map(({ specifier }) => specifier))];
  }
}

/**
 * Where Node will find a package, resolved from the file importing it; `undefined` when only
 * Node's own import can tell (a package exporting for `import` only). A package that is not
 * installed fails the compile at its import, as esbuild reports a missing file.
 */
async function entryOf({ specifier, importer }: PackageImport, folder: string) {
  const from = resolve(folder, importer);
  try {
    return createRequire(from).resolve(specifier);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') return undefined;
    throw await notInstalled(specifier, from);
  }
}

/** One esbuild run; the packages the output imports, each with a file importing it. */
async function build(
  file: string,
  outfile: string,
  compiledIn: Record<string, string>,
): Promise<PackageImport[]> {
  const aliases = { ...ccproxyAliases(), ...compiledIn };
  const metafile = `${outfile}.json`;
  const args = [
    file,
    `--outfile=${outfile}`,
    `--metafile=${metafile}`,
    '--bundle',
    '--packages=external',
    ...Object.entries(aliases).map(([name, target]) => `--alias:${name}=${target}`),
    '--format=esm',
    '--platform=node',
    `--target=node${process.versions.node}`,
    // Node's resolution, not a bundler's: no `module` condition or field.
    '--conditions=',
    '--main-fields=main',
    '--sourcemap=inline',
    '--log-level=error',
    '--color=false',
  ];
  try {
    await promisify(execFile)(esbuildBinary(), args, { cwd: dirname(file) });
    const { inputs } = JSON.parse(await readFile(metafile, 'utf8')) as Metafile;
    return Object.entries(inputs).flatMap(([importer, input]) =>
      input.imports
        .filter(({ path, external }) => external && !URL_SPECIFIER.test(path) && !isBuiltin(path))
        .map(({ path }) => ({ specifier: path, importer })),
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw stderr ? buildFailure(stderr, dirname(file)) : error;
  } finally {
    await rm(metafile, { force: true });
  }
}

let binary: string | undefined;

/** esbuild's native binary: its platform package's, found from the esbuild package installed. */
function esbuildBinary(): string {
  if (binary) return binary;
  const esbuild = createRequire(import.meta.url).resolve('esbuild/package.json');
  const platform = `@esbuild/${process.platform}-${process.arch}`;
  const path = process.platform === 'win32' ? `${platform}/esbuild.exe` : `${platform}/bin/esbuild`;
  try {
    return (binary = createRequire(esbuild).resolve(path));
  } catch {
    // esbuild's own launcher (a platform it installs otherwise, or ESBUILD_BINARY_PATH).
    return (binary = join(dirname(esbuild), 'bin', 'esbuild'));
  }
}

/**
 * esbuild's command-line errors (`✘ [ERROR] text`, a blank line, `file:line:column:`, columns
 * from 0) as the BuildFailure its API throws, so that the loader reports them alike.
 */
function buildFailure(stderr: string, folder: string): BuildFailure {
  const errors: Message[] = [];
  for (const [, text, file, line, column] of stderr.matchAll(
    /\[ERROR\] (.+)\n(?:\n\s+(.+):(\d+):(\d+):\n)?/g,
  )) {
    const location = file
      ? { file: resolve(folder, file), line: Number(line), column: Number(column) }
      : null;
    errors.push({ text: text!, location } as Message);
  }
  if (errors.length === 0) errors.push({ text: stderr.trim(), location: null } as Message);
  return Object.assign(new Error(`Build failed: ${errors[0]!.text}`), { errors, warnings: [] });
}

/** A package no `node_modules` holds, reported at its import like esbuild's own resolve errors. */
async function notInstalled(specifier: string, importer: string): Promise<BuildFailure> {
  const text = await readFile(importer, 'utf8');
  const at = text.search(new RegExp(`['"]${specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`));
  const before = text.slice(0, Math.max(at, 0)).split('\n');
  const location = { file: importer, line: before.length, column: before.at(-1)!.length };
  const errors = [{ text: `Could not resolve "${specifier}"`, location } as Message];
  return Object.assign(new Error(errors[0]!.text), { errors, warnings: [] });
}

let compiled = 0;

/**
 * Imports a config: compiled beside it for the time of the import, so that the packages it
 * imports resolve from its folder (a project's `node_modules`) and `import.meta.dirname` is its
 * folder, then removed. Packages get ccproxy's module hooks (a plugin package's peer import of
 * `'ccproxy'`); a config importing none needs no hooks thread. Stack traces point into the
 * author's files through the source map.
 */
export async function importConfigFile(file: string): Promise<unknown> {
  const outfile = join(dirname(file), `.${basename(file)}.${process.pid}-${++compiled}.mjs`);
  try {
    const packages = await compileConfig(file, outfile);
    if (packages.length > 0) registerConfigHooks();
    process.setSourceMapsEnabled(true);
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(outfile, { force: true });
  }
}
