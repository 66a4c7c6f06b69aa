/**
 * Installs every Claude Code release of `cli/claude-versions.ts` side by side, and finds each one's
 * native binary. Run as a script before the suite (`npm run test:e2e` does); idempotent, and
 * offline once npm's cache holds the packages.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testedClaudeVersions } from '../../cli/claude-versions.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const PACKAGE = '@anthropic-ai/claude-code';

/** The releases under test, newest first. */
export const versions: readonly string[] = testedClaudeVersions;

/**
 * Where the releases go, each in its own folder: under node_modules, so they are ignored by git and
 * go with it. No release is a devDependency: Claude Code's package declares Node 22, ccproxy and
 * its development Node 20.19, where npm would warn EBADENGINE on every install.
 */
export const cacheDir =
  process.env.CCPROXY_E2E_CACHE ?? join(root, 'node_modules', '.cache', 'ccproxy-e2e');

/** The folder whose node_modules hold `version`. */
const prefixFor = (version: string): string => join(cacheDir, 'claude-code', version);

/**
 * Candidate binaries, most direct first. The platform package holds the real binary whether or
 * not npm ran the wrapper's postinstall (npm 11 may hold install scripts back until approved);
 * `bin/claude.exe` is that binary only after the postinstall copied it.
 */
function candidates(prefix: string): string[] {
  const scope = join(prefix, 'node_modules', '@anthropic-ai');
  const os = `${platform()}-${arch()}`;
  const name = platform() === 'win32' ? 'claude.exe' : 'claude';
  return [
    join(scope, `claude-code-${os}`, name),
    join(scope, `claude-code-${os}-musl`, name),
    join(scope, 'claude-code', 'bin', 'claude.exe'),
  ];
}

const runsAs = (binary: string, version: string): boolean =>
  existsSync(binary) &&
  spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 }).stdout?.startsWith(
    version,
  );

/** The path of a working `claude` binary for `version`, or undefined when it is not installed. */
export function claudeBinary(version: string): string | undefined {
  const found =
    binaries.get(version) ??
    candidates(prefixFor(version)).find((binary) => runsAs(binary, version));
  if (found) binaries.set(version, found);
  return found;
}

const binaries = new Map<string, string>();

const npmInstall = (prefix: string, spec: string) =>
  execFileSync(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--loglevel=error',
      spec,
    ],
    {
      cwd: prefix,
      stdio: 'inherit',
    },
  );

/**
 * Installs `version` into its own folder unless a working binary is already there. When npm
 * skipped the optional platform package (`--omit=optional`, an unknown libc), it is installed by
 * name, since the wrapper alone only holds a placeholder.
 */
export function install(version: string): string {
  const found = claudeBinary(version);
  if (found) return found;
  const prefix = prefixFor(version);
  mkdirSync(prefix, { recursive: true });
  writeFileSync(
    join(prefix, 'package.json'),
    JSON.stringify({ private: true, name: `claude-code-${version}` }),
  );
  npmInstall(prefix, `${PACKAGE}@${version}`);
  if (!claudeBinary(version)) npmInstall(prefix, `${PACKAGE}-${platform()}-${arch()}@${version}`);
  const binary = claudeBinary(version);
  if (!binary)
    throw new Error(
      `Claude Code ${version}: installed, but no binary runs (tried ${candidates(prefix).join(', ')})`,
    );
  return binary;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const version of versions)
    process.stdout.write(`Claude Code ${version}: ${install(version)}\n`);
}
