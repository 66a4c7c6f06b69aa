import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePoint, runLoad } from './load.ts';
import { SCRATCH } from './peers.ts';
import { stopTree } from './proc.ts';
import {
  BENCH_CORE,
  PROXY_CORE,
  ccproxy,
  nodeFloor,
  pinSelf,
  startScriptedUpstream,
} from './systems.ts';

/**
 * `node --import tsx bench/profile.ts --point sse:normal:1 --seconds 5`: runs ccproxy under `--cpu-prof`
 * at one load point, then prints where its CPU went (self time by function) and writes the
 * profile (open it in Chrome DevTools or speedscope) and folded stacks (for flamegraph.pl).
 * `--system floor` profiles the node floor instead, to tell ccproxy's own costs from the parts'.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    point: { type: 'string', default: 'json:normal:1' },
    seconds: { type: 'string', default: '5' },
    top: { type: 'string', default: '30' },
    system: { type: 'string', default: 'ccproxy' },
  },
});

const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.startsWith('file://') ? relative(REPO, fileURLToPath(url)) : url;
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

/**
 * Self time per function, and stacks folded as `root;…;leaf count` lines, over the profile's last
 * `windowMs` (the load, not the start-up).
 */
export function summarise(
  profile: CpuProfile,
  windowMs: number,
): { self: [string, number][]; folded: string[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map<number, number>();
  const from = profile.endTime - windowMs * 1000;
  let at = profile.startTime;
  let kept = 0;
  for (const [i, id] of profile.samples.entries()) {
    at += profile.timeDeltas[i]!;
    if (at <= from) continue;
    kept++;
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  const msPerSample = windowMs / Math.max(1, kept);
  const self = new Map<string, number>();
  const folded: string[] = [];
  for (const [id, count] of hits) {
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + count * msPerSample);
    const stack: string[] = [];
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n))
      stack.unshift(label(byId.get(n)!).replace(/;/g, ','));
    folded.push(`${stack.join(';')} ${count}`);
  }
  const sorted = [...self].sort((a, b) => b[1] - a[1]);
  return { self: sorted, folded, totalMs: kept * msPerSample };
}

async function main() {
  const point = parsePoint(args.point);
  const dir = join(SCRATCH, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  pinSelf(BENCH_CORE);
  const upstream = await startScriptedUpstream(BENCH_CORE);
  const profiling = ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir];
  const system = args.system === 'floor' ? nodeFloor(profiling) : ccproxy('warn', profiling);
  try {
    const started = await system.start({ upstream: upstream.url, core: PROXY_CORE });
    await runLoad(started.target, point, { seconds: 1, maxRequests: 1000 }); // warm-up, outside the window
    const loadStart = performance.now();
    const samples = await runLoad(started.target, point, {
      seconds: Number(args.seconds),
      maxRequests: 100_000,
    });
    await stopTree(started.child!, 10_000);
    const windowMs = performance.now() - loadStart;
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no profile written: did ${system.name} exit on SIGTERM?`);
    const { self, folded, totalMs } = summarise(
      JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile,
      windowMs,
    );
    writeFileSync(join(dir, 'folded.txt'), folded.join('\n') + '\n');
    const count = samples.total.length;
    process.stdout.write(
      `${args.point}: ${count} requests; profile ${join(dir, file)}, folded stacks ${join(dir, 'folded.txt')}\n\n`,
    );
    process.stdout.write('self ms   µs/req  function\n');
    for (const [name, ms] of self.slice(0, Number(args.top))) {
      process.stdout.write(
        `${ms.toFixed(1).padStart(8)} ${((ms * 1000) / count).toFixed(1).padStart(8)}  ${name}\n`,
      );
    }
    process.stdout.write(
      `${totalMs.toFixed(1).padStart(8)} ${((totalMs * 1000) / count).toFixed(1).padStart(8)}  (all samples, idle included)\n`,
    );
  } finally {
    await stopTree(upstream.child);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
