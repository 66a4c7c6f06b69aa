import type { ProxyEvent } from '../../core/index.ts';
import type { RequestPage, RequestRow } from '../../core/storage.ts';
import { readSse } from '../../core/stream/sse-reader.ts';
import { adminRequest, adminStream, serverUrl } from '../admin-client.ts';
import { count, usd } from '../table.ts';

export interface LogsFlags {
  follow?: boolean;
  lines: number;
  json?: boolean;
  url?: string;
}

/**
 * `ccproxy logs [-f] [-n N] [--json]`: the last N request rows, oldest first; with `-f`, then each
 * request as it finishes (`GET /api/events?types=request`) until interrupted or the server stops.
 */
export async function logs(flags: LogsFlags): Promise<void> {
  const url = serverUrl(flags.url);
  const print = (row: RequestRow) =>
    process.stdout.write(flags.json ? `${JSON.stringify(row)}\n` : formatRow(row));
  // Subscribed before the history is read, so that no request finishing in between is lost.
  const stop = new AbortController();
  const events = flags.follow ? await adminStream(url, EVENTS, stop.signal) : undefined;
  const page = await adminRequest<RequestPage>(url, `/api/requests?limit=${flags.lines}`);
  const seen = new Set(page.items.map((row) => row.id));
  page.items.reverse().forEach(print);
  if (!events) return;
  process.stderr.write(`following the requests of ${url} (Ctrl-C stops)\n`);
  process.once('SIGINT', () => stop.abort());
  await follow(url, events, stop.signal, (row) => seen.has(row.id) || print(row));
}

const EVENTS = '/api/events?types=request';

/**
 * Hands each finished request of the event stream to `print`. The server ends the stream when a
 * config reload replaces the runtime serving it: then it subscribes again. Returns on Ctrl-C;
 * throws an AdminError once the server no longer answers.
 */
async function follow(
  url: string,
  first: AsyncIterable<Uint8Array>,
  signal: AbortSignal,
  print: (row: RequestRow) => unknown,
): Promise<void> {
  let events = first;
  for (;;) {
    try {
      for await (const message of readSse(events)) {
        if (message.event === 'request')
          print((JSON.parse(message.data) as ProxyEvent).data as RequestRow);
      }
      if (signal.aborted) return;
      events = await adminStream(url, EVENTS, signal);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    process.stderr.write('the server reloaded its config; following again\n');
  }
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });

/** `12:03:04 200 claude-opus-4-6 → openai,gpt-4o 1.2s 1.3k→210 $0.0042 req_…` */
export function formatRow(row: RequestRow): string {
  const hops = row.attempts.length > 1 ? ` (after ${row.attempts.length - 1} fallback)` : '';
  const outcome = row.error_type ? `${row.status} ${row.error_type}` : String(row.status);
  return (
    [
      clock(row.time),
      outcome,
      `${row.requested_model} → ${row.provider},${row.model}${hops}`,
      `${(row.duration_ms / 1000).toFixed(1)}s`,
      `${count(row.input_tokens)}→${count(row.output_tokens)} tokens`,
      row.cost_usd === null ? 'unpriced' : usd(row.cost_usd),
      row.session_id ? `session ${row.session_id.slice(0, 8)}` : '',
      row.id,
    ]
      .filter(Boolean)
      .join('  ') + '\n'
  );
}
