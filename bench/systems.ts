import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { messagesBody } from './bodies.ts';
import type { Target } from './load.ts';
import { CCR1, CCR3, LLM_ROUTER, NODE24, SCRATCH, type Peer } from './peers.ts';
import { spawnPinned, tail } from './proc.ts';

/** A system under test, started fresh for its turn and stopped after it. */
export interface System {
  name: string;
  /** A reference point rather than a proxy: not checked for correctness. */
  reference?: boolean;
  /** Why it cannot run here ('' when it can). */
  missing(): string;
  start(env: StartEnv): Promise<Started>;
}

export interface StartEnv {
  /** The scripted upstream, e.g. `http://127.0.0.1:PORT`. */
  upstream: string;
  /** The core the system is pinned to. */
  core: number;
}

export interface Started {
  /** The measured process (null: the upstream itself, for `direct`). */
  child: ChildProcess | null;
  target: Target;
  /** From spawn to the first answered request. */
  startupMs: number;
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLIENT_KEY = 'sk-bench-client';
const CLIENT_HEADERS = { 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' };
/** Claude Code's default model: each proxy routes it to the upstream's model its own way. */
const CLAUDE_MODEL = 'claude-sonnet-4-5-20250929';
const UPSTREAM_MODEL = 'bench-model';

/** The core each proxy runs on; the upstream and the load generator share the other. */
export const PROXY_CORE = 0;
export const BENCH_CORE = 1;

/** Pins this process (every thread) to `core`. */
export function pinSelf(core: number): void {
  execFileSync('taskset', ['-a', '-cp', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Starts `bench/upstream.ts` as its own process pinned to `core`; resolves once it listens. */
export async function startScriptedUpstream(
  core: number,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const logFile = join(SCRATCH, 'upstream.log');
  const script = fileURLToPath(new URL('upstream.ts', import.meta.url));
  const child = spawnPinned({
    command: process.execPath,
    args: ['--import', 'tsx', script, String(port)],
    env: process.env,
    core,
    logFile,
  });
  const listening = () => readFileSync(logFile, 'utf8').includes('http://');
  for (let i = 0; i < 1000 && !listening(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!listening()) throw new Error(`the upstream did not start\n${tail(logFile)}`);
  return { child, url: `http://127.0.0.1:${port}` };
}

/** A free port on 127.0.0.1 (the OS picks it; it stays free until the system binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function home(name: string): string {
  const path = join(SCRATCH, 'home', name.replace(/[^\w.-]+/g, '-'));
  mkdirSync(path, { recursive: true });
  return path;
}

/**
 * An empty HOME for a start of a system: ccproxy's database (and a peer's store) would otherwise
 * grow from run to run, and a build measured beside another would write into a bigger or smaller
 * one than its pair. (`bench/storage-cpu.ts` measures storage on a database of a given size.)
 */
function freshHome(name: string): string {
  rmSync(home(name), { recursive: true, force: true });
  return home(name);
}

/** Polls with a small real request until the system answers it; the time from `spawnedAt`. */
async function ready(
  child: ChildProcess,
  target: Target,
  spawnedAt: number,
  logFile: string,
): Promise<number> {
  const body = messagesBody({ size: 'normal', mode: 'text', stream: false, model: target.model });
  const give = performance.now() + 30_000;
  while (performance.now() < give) {
    if (child.exitCode !== null) break;
    try {
      const res = await request(target.origin + target.path, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        body,
      });
      await res.body.dump();
      if (res.statusCode === 200) return performance.now() - spawnedAt;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`did not answer within 30 s\n${tail(logFile)}`);
}

async function launch(
  name: string,
  env: StartEnv,
  command: string,
  args: string[],
  vars: NodeJS.ProcessEnv,
  target: Target,
  cwd?: string,
): Promise<Started> {
  const logFile = join(home(name), 'output.log');
  const spawnedAt = performance.now();
  const child = spawnPinned({
    command,
    args,
    env: { PATH: process.env.PATH, ...vars },
    cwd,
    core: env.core,
    logFile,
  });
  try {
    return { child, target, startupMs: await ready(child, target, spawnedAt, logFile) };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** The upstream alone: the ceiling every proxy is compared with. */
export const direct: System = {
  name: 'direct (upstream alone)',
  missing: () => '',
  start: ({ upstream }) =>
    Promise.resolve({
      child: null,
      target: {
        origin: upstream,
        path: '/v1/chat/completions',
        headers: { authorization: 'Bearer sk-bench' },
        model: UPSTREAM_MODEL,
      },
      startupMs: NaN,
    }),
};

/**
 * ccproxy as a user of the older Python proxies starts it: `node bin/ccproxy.js` and environment
 * variables. `nodeArgs` go before the script (the profiler's `--cpu-prof`); `options.before` is
 * another checkout of ccproxy (built with `npm run build:ts`) to run instead of this one.
 */
export function ccproxy(
  logLevel?: 'warn',
  nodeArgs: string[] = [],
  options: { storage?: false; metrics?: false; before?: string } = {},
): System {
  const root = options.before ?? REPO;
  const bin = join(root, 'bin', 'ccproxy.js');
  const name = options.before
    ? 'ccproxy (before)'
    : options.storage === false
      ? 'ccproxy (storage: false)'
      : options.metrics === false
        ? 'ccproxy (no metrics)'
        : logLevel
          ? `ccproxy (LOG_LEVEL=${logLevel})`
          : 'ccproxy';
  return {
    name,
    missing: () => (existsSync(bin) ? '' : 'bin/ccproxy.js not found'),
    async start(env) {
      const port = await freePort();
      const vars = {
        HOME: freshHome(name),
        HOST: '127.0.0.1',
        PORT: String(port),
        OPENAI_BASE_URL: `${env.upstream}/v1`,
        OPENAI_API_KEY: 'sk-bench',
        ANTHROPIC_API_KEY: CLIENT_KEY, // the key clients must present, as Claude Code users set it
        BIG_MODEL: UPSTREAM_MODEL,
        MIDDLE_MODEL: UPSTREAM_MODEL,
        SMALL_MODEL: UPSTREAM_MODEL,
        ...(logLevel && { LOG_LEVEL: logLevel }),
      };
      const target = {
        origin: `http://127.0.0.1:${port}`,
        path: '/v1/messages',
        headers: CLIENT_HEADERS,
        model: CLAUDE_MODEL,
      };
      const args = [...nodeArgs, bin];
      // The repo's config (the env default written out) with the cockpit's storage in memory, or
      // without the metrics plugin: what each part of the cockpit costs per request.
      const base = JSON.stringify(join(root, 'ccproxy.config.ts'));
      const variant =
        options.storage === false
          ? `import c from ${base};\nexport default { ...c, storage: false };\n`
          : options.metrics === false
            ? `import c from ${base};\nconst flat = (p) => (Array.isArray(p) ? p.flatMap(flat) : p ? [p] : []);\n` +
              `export default { ...c, plugins: flat(c.plugins).filter((p) => p.name !== 'metrics') };\n`
            : undefined;
      if (variant) {
        // Inside the checkout (its node_modules, ignored by git): the config loader resolves the
        // packages of the files a config imports from the config's own folder.
        const dir = join(root, 'node_modules', '.cache', 'ccproxy-bench');
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${name.replace(/[^\w.-]+/g, '-')}.config.ts`);
        writeFileSync(file, variant);
        args.push('--config', file);
      }
      return launch(name, env, process.execPath, args, vars, target, root);
    },
  };
}

/**
 * The node floor (`bench/floor.ts`): what the parts of any Node proxy cost, without its work.
 * `nodeArgs` go before the script (the profiler's `--cpu-prof`).
 */
export const nodeFloor = (nodeArgs: string[] = []): System => ({
  name: 'node floor (reference)',
  reference: true,
  missing: () => '',
  async start(env) {
    const port = await freePort();
    const script = fileURLToPath(new URL('floor.ts', import.meta.url));
    const vars = { PORT: String(port), OPENAI_BASE_URL: `${env.upstream}/v1` };
    const target = {
      origin: `http://127.0.0.1:${port}`,
      path: '/v1/messages',
      headers: CLIENT_HEADERS,
      model: CLAUDE_MODEL,
    };
    const args = [...nodeArgs, '--import', 'tsx', script];
    return launch('node-floor', env, process.execPath, args, vars, target, REPO);
  },
});

const installed = (peer: Peer) => () =>
  existsSync(peer.entry) && existsSync(NODE24) ? '' : `${peer.spec} is not installed`;

/**
 * A claude-code-router `~/.claude-code-router/config.json` in a fresh home, logging off; 3.x
 * imports it into its SQLite store on first start.
 */
function ccrHome(peer: Peer, upstream: string, port: number): string {
  const dir = freshHome(peer.name);
  mkdirSync(join(dir, '.claude-code-router'), { recursive: true });
  const config = {
    LOG: false,
    HOST: '127.0.0.1',
    PORT: port,
    APIKEY: CLIENT_KEY,
    Providers: [
      {
        name: 'mock',
        api_base_url: `${upstream}/v1/chat/completions`,
        api_key: 'sk-bench',
        models: [UPSTREAM_MODEL],
      },
    ],
    Router: { default: `mock,${UPSTREAM_MODEL}` },
  };
  writeFileSync(join(dir, '.claude-code-router', 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

/** A claude-code-router version: `args` start it, `model` is what the requests name. */
function ccr(peer: Peer, args: (managementPort: string) => string[], model: string): System {
  return {
    name: peer.name,
    missing: installed(peer),
    async start(env) {
      const port = await freePort();
      const home = { HOME: ccrHome(peer, env.upstream, port) };
      const target = {
        origin: `http://127.0.0.1:${port}`,
        path: '/v1/messages',
        headers: CLIENT_HEADERS,
        model,
      };
      return launch(
        peer.name,
        env,
        NODE24,
        [peer.entry, ...args(String(await freePort()))],
        home,
        target,
      );
    },
  };
}

/** claude-code-router 1.x: `ccr start` runs the server in the foreground. */
export const ccr1 = ccr(CCR1, () => ['start'], CLAUDE_MODEL);

/**
 * claude-code-router 3.x: `ccr serve` runs its management service and, as its child, the gateway.
 * Its routing of Claude model names belongs to its agent profiles, so the request names the
 * `provider,model` explicitly (which 1.x and ccproxy accept too).
 */
export const ccr3 = ccr(
  CCR3,
  (port) => ['serve', '--no-open', '--port', port],
  `mock,${UPSTREAM_MODEL}`,
);

/** llm-router: `llr start` (a supervisor and its backend) on its fixed port 8376. */
export const llmRouter: System = {
  name: LLM_ROUTER.name,
  missing: installed(LLM_ROUTER),
  async start(env) {
    const dir = freshHome(LLM_ROUTER.name);
    const configFile = join(dir, 'llm-router.json');
    const config = {
      providers: [
        {
          id: 'mock',
          name: 'mock',
          baseUrl: `${env.upstream}/v1`,
          apiKey: 'sk-bench',
          format: 'openai',
          models: [{ id: UPSTREAM_MODEL }],
        },
      ],
    };
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const args = [
      LLM_ROUTER.entry,
      'start',
      '--config',
      configFile,
      '--watch-config',
      'false',
      '--watch-binary',
      'false',
    ];
    const target = {
      origin: 'http://127.0.0.1:8376',
      path: '/anthropic/v1/messages',
      headers: CLIENT_HEADERS,
      model: `mock/${UPSTREAM_MODEL}`,
    };
    return launch(LLM_ROUTER.name, env, process.execPath, args, { HOME: dir }, target);
  },
};

export const ALL_SYSTEMS: System[] = [
  direct,
  nodeFloor(),
  ccproxy(),
  ccproxy(undefined, [], { storage: false }),
  ccproxy(undefined, [], { metrics: false }),
  ccproxy('warn'),
  ccr1,
  ccr3,
  llmRouter,
];
