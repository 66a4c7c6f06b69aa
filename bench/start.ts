import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { SCRATCH } from './peers.ts';
import {
  processTree,
  residentByMapping,
  stopTree,
  tail,
  treeRssMb,
  type ResidentMap,
} from './proc.ts';
import { BENCH_CORE, freePort, startScriptedUpstream } from './systems.ts';

/**
 * `npm run bench:start`: how fast ccproxy starts and how much memory it holds idle, as a user runs
 * it: from the packed tarball installed into an empty folder (or `--bin`), HOME and CCPROXY_HOME
 * in a fresh temporary folder. For each case, `--runs` times: spawn to the first answered
 * `/v1/messages` (a scripted upstream behind), then the resident memory once idle; and
 * `ccproxy --version` from spawn to exit. The floor is node:http and better-sqlite3 alone.
 */
const REPO = fileURLToPath(new URL('..', import.meta.url));
const UPSTREAM_MODEL = 'bench-model';
const CLIENT_KEY = 'sk-bench-client';

const { values: args } = parseArgs({
  options: {
    bin: { type: 'string' },
    before: { type: 'string' },
    runs: { type: 'string', default: '5' },
    // How long after the first answer the memory is read: what start-up left to do is done.
    'idle-ms': { type: 'string', default: '3000' },
    // And read again once settled: V8's memory reducer shrinks the heap of a process that stopped
    // allocating 8–16 s after its last allocations (the young generation start-up grew).
    'settled-ms': { type: 'string', default: '20000' },
    out: { type: 'string' },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);

/** A way to start: the environment defaults, or a config file written into the working folder. */
interface Case {
  name: string;
  config?: { file: string; body: string };
  /** A command other than the installed bin (the floor). */
  script?: string;
}

const plugins = (
  upstream: string,
) => `openai({ name: 'openai', baseUrl: '${upstream}/v1', apiKey: 'sk-bench' }),
    modelMap({ big: 'openai,${UPSTREAM_MODEL}', middle: 'openai,${UPSTREAM_MODEL}', small: 'openai,${UPSTREAM_MODEL}' }),`;
const longContext = (upstream: string) => `import { defineConfig } from 'ccproxy';
import { cockpit, modelMap, openai, router } from 'ccproxy/plugins';

export default defineConfig({
  plugins: [
    ${plugins(upstream)}
    router({ longContext: { threshold: 60000, model: 'openai,${UPSTREAM_MODEL}' } }),
    cockpit(),
  ],
});
`;
const cockpitOff = (upstream: string) => `import { defineConfig } from 'ccproxy';
import { modelMap, openai } from 'ccproxy/plugins';

export default defineConfig({
  storage: false,
  plugins: [
    ${plugins(upstream)}
  ],
});
`;

function cases(upstream: string): Case[] {
  return [
    { name: 'environment defaults (the cockpit: SQLite, history, usage, metrics, UI)' },
    {
      name: '`router({ longContext })` and `cockpit()`, a `.ts` config',
      config: { file: 'ccproxy.config.ts', body: longContext(upstream) },
    },
    {
      name: 'the same, a `.mjs` config (no TypeScript loader)',
      config: { file: 'ccproxy.config.mjs', body: longContext(upstream) },
    },
    {
      name: 'cockpit off (`storage: false`, no `cockpit()`), a `.ts` config',
      config: { file: 'ccproxy.config.ts', body: cockpitOff(upstream) },
    },
    {
      name: 'floor: node:http and better-sqlite3 alone',
      script: fileURLToPath(new URL('start-floor.js', import.meta.url)),
    },
  ];
}

/** The packed tarball installed into an empty folder, as `npm install ccproxy-cli` would. */
function installPacked(): string {
  const dir = join(SCRATCH, 'start');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log('packing and installing the tarball (a few minutes)');
  const packed = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const tarball = join(dir, packed.trim().split('\n').pop()!);
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  execFileSync('npm', ['install', tarball, '--omit=dev', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'ignore',
  });
  const { name } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    name: string;
  };
  return join(dir, 'node_modules', name, 'bin', 'ccproxy.js');
}

/** A fresh HOME (CCPROXY_HOME inside) and working folder for one run. */
function sandbox(c: Case): { home: string; cwd: string; cleanup: () => void } {
  const root = mkdtempSync(join(SCRATCH, 'start-run-'));
  const home = join(root, 'home');
  const cwd = join(root, 'work');
  mkdirSync(home);
  mkdirSync(cwd);
  if (c.config) writeFileSync(join(cwd, c.config.file), c.config.body);
  return { home, cwd, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const messagesBody = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
});

/** Polls until a real request is answered 200; ms from `spawnedAt`. */
async function firstAnswer(child: ChildProcess, port: number, spawnedAt: number, logFile: string) {
  const give = performance.now() + 60_000;
  while (performance.now() < give && child.exitCode === null) {
    try {
      const res = await request(`http://127.0.0.1:${port}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': CLIENT_KEY,
          'anthropic-version': '2023-06-01',
        },
        body: messagesBody,
      });
      await res.body.dump();
      if (res.statusCode === 200) return performance.now() - spawnedAt;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`no answer within 60 s\n${tail(logFile)}`);
}

async function startOnce(bin: string, c: Case, upstream: string) {
  const box = sandbox(c);
  const port = await freePort();
  const logFile = join(box.home, 'output.log');
  const output = openSync(logFile, 'w');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [c.script ?? bin], {
    cwd: box.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: box.home,
      CCPROXY_HOME: join(box.home, '.ccproxy'),
      PORT: String(port),
      OPENAI_BASE_URL: `${upstream}/v1`,
      OPENAI_API_KEY: 'sk-bench',
      ANTHROPIC_API_KEY: CLIENT_KEY,
      BIG_MODEL: UPSTREAM_MODEL,
      MIDDLE_MODEL: UPSTREAM_MODEL,
      SMALL_MODEL: UPSTREAM_MODEL,
    },
    stdio: ['ignore', output, output],
  });
  try {
    const startMs = await firstAnswer(child, port, spawnedAt, logFile);
    await new Promise((r) => setTimeout(r, Number(args['idle-ms'])));
    // The whole tree: a TypeScript config's compiler may run as a process of its own.
    const rssMb = treeRssMb(processTree(child.pid!));
    const map = residentByMapping(child.pid!);
    const settleMs = Number(args['settled-ms']) - Number(args['idle-ms']);
    if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
    const settledMb = settleMs > 0 ? treeRssMb(processTree(child.pid!)) : rssMb;
    return { startMs, rssMb, settledMb, map };
  } finally {
    await stopTree(child);
    closeSync(output);
    box.cleanup();
  }
}

/** Spawn to exit of `node ...args`. */
function timeToExit(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - started;
}

const commit = () =>
  execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const range = (values: number[], digits = 0) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

/** A bin measured: this build, or the one `--before` names. */
interface Build {
  label: string;
  bin: string;
}

interface Samples {
  starts: number[];
  rss: number[];
  settled: number[];
  maps: ResidentMap[];
}

/** Every case, `runs` times, builds and cases interleaved so that the machine's load falls on all. */
async function measureAll(builds: Build[], all: Case[], upstream: string, runs: number) {
  const samples = new Map<string, Samples>();
  for (let i = 0; i < runs; i++) {
    for (const c of all) {
      for (const build of c.script ? builds.slice(0, 1) : builds) {
        const result = await startOnce(build.bin, c, upstream);
        const key = `${build.label}\0${c.name}`;
        const entry = samples.get(key) ?? { starts: [], rss: [], settled: [], maps: [] };
        entry.starts.push(result.startMs);
        entry.rss.push(result.rssMb);
        entry.settled.push(result.settledMb);
        entry.maps.push(result.map);
        samples.set(key, entry);
        log(
          `${build.label}, ${c.name}: ${Math.round(result.startMs)} ms, ${result.rssMb.toFixed(1)} MB, settled ${result.settledMb.toFixed(1)} MB`,
        );
      }
    }
  }
  return samples;
}

const MAP_COLUMNS: [keyof ResidentMap, string][] = [
  ['node', 'node executable'],
  ['files', 'libraries, addons'],
  ['mallocHeap', 'main malloc arena'],
  ['anonymous', 'anonymous'],
  ['largestAnonymous', 'largest anonymous mapping'],
];

/** Where the main process's idle RSS is, by mapping (medians of the runs). */
function breakdown(all: Case[], builds: Build[], samples: Map<string, Samples>): string[] {
  const lines = [
    "Where the main process's idle RSS is, MB (medians): the node executable's pages read so far, other files mapped, the main thread's malloc arena (`[heap]`), and anonymous memory (V8's heap, other threads' malloc arenas, stacks), with its largest mapping (a thread's arena when one kept memory).",
    '',
    `| case | build | ${MAP_COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `| --- | --- |${' ---: |'.repeat(MAP_COLUMNS.length)}`,
  ];
  for (const c of all) {
    for (const build of c.script ? builds.slice(0, 1) : builds) {
      const { maps } = samples.get(`${build.label}\0${c.name}`)!;
      const cells = MAP_COLUMNS.map(([key]) => median(maps.map((m) => m[key])).toFixed(1));
      lines.push(`| ${c.name} | ${c.script ? '' : build.label} | ${cells.join(' | ')} |`);
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const runs = Number(args.runs);
  mkdirSync(SCRATCH, { recursive: true });
  const builds: Build[] = [
    { label: 'this build', bin: args.bin ? resolve(args.bin) : installPacked() },
  ];
  if (args.before) builds.push({ label: 'before', bin: resolve(args.before) });
  const upstream = await startScriptedUpstream(BENCH_CORE);
  const load = loadavg()[0]!.toFixed(1);
  const source = args.bin
    ? 'the bin given with `--bin`'
    : `the packed tarball of ${commit()}, installed into an empty folder`;
  const lines = [
    `# Start-up and idle memory, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `This build: ${source}${args.before ? '; before: the bin given with `--before`' : ''}. Node ${process.version}; ${runs} runs each, interleaved (median, min–max); memory read ${args['idle-ms']} ms after the first answer and again ${args['settled-ms']} ms after it (settled: V8's memory reducer has run); load average ${load} at the start.`,
    '',
    `| case | build | start to first answer, ms | idle RSS (process tree) at ${args['idle-ms']} ms, MB | settled, at ${args['settled-ms']} ms, MB |`,
    '| --- | --- | ---: | ---: | ---: |',
  ];
  try {
    const all = cases(upstream.url);
    const samples = await measureAll(builds, all, upstream.url, runs);
    for (const c of all) {
      for (const build of c.script ? builds.slice(0, 1) : builds) {
        const { starts, rss, settled } = samples.get(`${build.label}\0${c.name}`)!;
        lines.push(
          `| ${c.name} | ${c.script ? '' : build.label} | ${range(starts)} | ${range(rss, 1)} | ${range(settled, 1)} |`,
        );
      }
    }
    lines.push('', ...breakdown(all, builds, samples), '');
    for (const build of builds) {
      const times = Array.from({ length: runs }, () => timeToExit([build.bin, '--version']));
      lines.push(`\`ccproxy --version\`, ${build.label}: ${range(times)} ms.`);
    }
    const bare = Array.from({ length: runs }, () => timeToExit(['-e', '0']));
    lines.push(`\`node -e 0\`: ${range(bare)} ms.`);
  } finally {
    await stopTree(upstream.child);
  }
  const report = `${lines.join('\n')}\n`;
  const out =
    args.out ?? join(REPO, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-start.md`);
  writeFileSync(out, report);
  process.stdout.write(report);
}

await main();
