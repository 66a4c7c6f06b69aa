import { adminGet } from '../admin-client.ts';
import { answersHealth } from '../background.ts';
import { homePaths } from '../home.ts';
import { readServer, type ServerRecord } from '../server-record.ts';

/** A provider as `status` shows it: `GET /api/providers` rows, read loosely (issue 19 owns them). */
interface ProviderRow {
  name: string;
  breaker?: string | { state?: string };
}

interface UsageTotal {
  requests?: number;
  cost_usd?: number | null;
}

/** What `status --json` prints. */
export interface StatusReport {
  running: boolean;
  pid?: number;
  url?: string;
  healthy?: boolean;
  version?: string;
  owner?: ServerRecord['owner'];
  startedAt?: string;
  uptimeSeconds?: number;
  config?: string | null;
  log?: string;
  /** Absent when the admin API is not there (no cockpit) or refuses (an admin key is needed). */
  providers?: { name: string; breaker: string }[];
  today?: { requests: number; costUsd: number | null };
  /** A PID file whose process is gone. */
  stalePid?: number;
}

/** `ccproxy status [--json]`: exit 0 when running, 3 when not (as LSB init scripts do). */
export async function status(flags: { json?: boolean }): Promise<void> {
  const report = await gather();
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : format(report));
  if (!report.running) process.exitCode = 3;
}

async function gather(): Promise<StatusReport> {
  const current = readServer(homePaths());
  if (current.state === 'none') return { running: false };
  if (current.state === 'stale') return { running: false, stalePid: current.record.pid };
  const record = current.record;
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const [healthy, providers, usage] = await Promise.all([
    answersHealth(record.url, 2000),
    adminGet<ProviderRow[] | { providers?: ProviderRow[] }>(record.url, '/api/providers'),
    adminGet<{ total?: UsageTotal }>(
      record.url,
      `/api/usage?from=${encodeURIComponent(midnight.toISOString())}&by=day`,
    ),
  ]);
  const rows = providers.ok
    ? Array.isArray(providers.body)
      ? providers.body
      : (providers.body.providers ?? [])
    : undefined;
  const total = usage.ok ? usage.body.total : undefined;
  return {
    running: true,
    pid: record.pid,
    url: record.url,
    healthy,
    version: record.version,
    owner: record.owner,
    startedAt: record.startedAt,
    uptimeSeconds: Math.round((Date.now() - Date.parse(record.startedAt)) / 1000),
    config: record.config,
    ...(record.log ? { log: record.log } : {}),
    ...(rows ? { providers: rows.map((p) => ({ name: p.name, breaker: breakerState(p) })) } : {}),
    ...(total ? { today: { requests: total.requests ?? 0, costUsd: total.cost_usd ?? null } } : {}),
  };
}

const breakerState = (p: ProviderRow): string =>
  (typeof p.breaker === 'string' ? p.breaker : p.breaker?.state) ?? 'closed';

/** `3725` → `1h 2m`. */
export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

const OWNER = { start: 'start -d', code: 'ccproxy code', foreground: 'the foreground' };

function format(r: StatusReport): string {
  if (!r.running) {
    return r.stalePid
      ? `ccproxy is not running (the PID file names pid ${r.stalePid}, which is gone)\n`
      : 'ccproxy is not running\n';
  }
  const lines = [
    `ccproxy ${r.version} is running${r.healthy ? '' : ' but /health does not answer'}`,
    `  url        ${r.url}`,
    `  pid        ${r.pid} (started by ${OWNER[r.owner!]})`,
    `  uptime     ${formatDuration(r.uptimeSeconds!)}`,
    `  config     ${r.config ?? 'none: the environment defaults'}`,
    ...(r.log ? [`  log        ${r.log}`] : []),
  ];
  if (r.providers) {
    const width = Math.max(...r.providers.map((p) => p.name.length));
    lines.push(
      '  providers',
      ...r.providers.map((p) => `    ${p.name.padEnd(width)}  ${p.breaker}`),
    );
  } else {
    lines.push(
      '  providers  (no admin API: add cockpit() to the config, or set CCPROXY_ADMIN_KEY)',
    );
  }
  if (r.today) {
    const cost = r.today.costUsd === null ? 'unpriced' : `$${r.today.costUsd.toFixed(4)}`;
    lines.push(`  today      ${r.today.requests} requests, ${cost}`);
  }
  return `${lines.join('\n')}\n`;
}
