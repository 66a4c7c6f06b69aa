import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildFailure } from 'esbuild';
import { ConfigError } from '../errors.ts';
import { packageRoot } from '../package-info.ts';
import { ccproxyAliases } from './module-hooks.ts';

/** Where a config went wrong, as its author sees it. */
interface Located {
  path: string;
  line: string;
  column?: string;
  message: string;
}

// ccproxy's own code, whose stack frames say nothing to a config's author: the sources' `core/`,
// `plugins/` and `cli/`, and the package's bundle in `dist/`.
const OWN = ['core', 'plugins', 'cli', 'dist'].map((dir) => join(packageRoot(), dir) + sep);

/**
 * A config (or a file it imports) that failed to compile or threw, as a ConfigError naming the
 * user's file, line and column and the message: a stack into ccproxy or Node would only hide
 * them. `debug` (LOG_LEVEL debug or trace) adds the stack.
 */
export function configLoadError(
  error: unknown,
  label: string,
  show: (path: string) => string,
  debug: boolean,
): ConfigError {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const message = error instanceof Error ? describe(error) : String(error);
  const at = compileError(error) ?? linkError(error, message) ?? thrownAt(stack, message);
  const text = at
    ? `${show(at.path)}:${at.line}${at.column ? `:${at.column}` : ''}: ${at.message}`
    : `${label}: ${message}`;
  const result = new ConfigError(debug && stack ? `${text}\n${stack}` : text);
  result.cause = error;
  return result;
}

const describe = (error: Error) =>
  (error as Partial<BuildFailure>).errors?.[0]?.text ??
  asWritten(error.name === 'Error' ? error.message : `${error.name}: ${error.message}`);

/**
 * A message naming ccproxy as the author wrote it: compiled, `'ccproxy'` became the running
 * ccproxy's file URL (`does not provide an export named …` names the module).
 */
function asWritten(message: string): string {
  for (const [name, url] of Object.entries(ccproxyAliases())) {
    message = message.replaceAll(`'${url}'`, `'${name}'`);
  }
  return message;
}

/** esbuild's BuildFailure: its first error, at a place in the user's file (columns from 0). */
function compileError(error: unknown): Located | undefined {
  const first = (error as Partial<BuildFailure> | null)?.errors?.[0];
  if (!first?.location) return undefined;
  const { file, line, column } = first.location;
  return { path: file, line: String(line), column: String(column + 1), message: first.text };
}

/**
 * V8's SyntaxError from linking (`does not provide an export named …`) or parsing JavaScript: the
 * stack starts `path:line`, the source line, then a caret under the column.
 */
function linkError(error: unknown, message: string): Located | undefined {
  if (!(error instanceof SyntaxError) || !error.stack) return undefined;
  const [first, , caret] = error.stack.split('\n');
  const found = /^(\S+):(\d+)$/.exec(first ?? '');
  if (!found) return undefined;
  const column = caret?.indexOf('^') ?? -1;
  return {
    path: filePath(found[1]!),
    line: found[2]!,
    column: column >= 0 ? String(column + 1) : undefined,
    message,
  };
}

/** The first stack frame in the user's code: the config itself, or a file it imports. */
function thrownAt(stack: string, message: string): Located | undefined {
  for (const frame of stack.split('\n').slice(1)) {
    const found = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/.exec(frame.trim());
    if (!found || !/^(file:|\/|[A-Za-z]:\\)/.test(found[1]!)) continue;
    const path = filePath(found[1]!);
    if (path.includes(`${sep}node_modules${sep}`) || OWN.some((dir) => path.startsWith(dir)))
      continue;
    return { path, line: found[2]!, column: found[3]!, message };
  }
  return undefined;
}

/** A path from a stack: file URLs to paths, the cache-busting query dropped. */
function filePath(location: string): string {
  const bare = location.replace(/\?[^/]*$/, '');
  return bare.startsWith('file:') ? fileURLToPath(bare) : bare;
}
