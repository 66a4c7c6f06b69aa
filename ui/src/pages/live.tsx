import { useEffect, useState } from 'preact/hooks';
import { failed, routed } from '../components/request-table.tsx';
import { money, ms, when } from '../format.ts';
import { href } from '../route.ts';
import type { RequestRow } from '../types.ts';

/** One server-sent event, as received. */
interface Received {
  seq: number;
  type: string;
  data: unknown;
  at: number;
}

/** The event names `/api/events` sends; unnamed events arrive as `message`. */
const TYPES = ['request', 'switch', 'reload', 'breaker', 'providers', 'message'] as const;
const KEEP = 500;

const isRow = (value: unknown): value is RequestRow =>
  Boolean(value) &&
  typeof value === 'object' &&
  typeof (value as RequestRow).id === 'string' &&
  typeof (value as RequestRow).status === 'number';

function Line({ event }: { event: Received }) {
  const row = isRow(event.data) ? event.data : undefined;
  if (row) {
    return (
      <li class={failed(row) ? 'failed' : undefined}>
        <span class="muted">{when(row.time)}</span>{' '}
        <a href={href('requests', [row.id])}>{routed(row)}</a> {row.status} {ms(row.duration_ms)}{' '}
        {money(row.cost_usd)}
      </li>
    );
  }
  return (
    <li>
      <span class="muted">{when(event.at)}</span> <strong>{event.type}</strong>{' '}
      {describe(event.type, event.data)}
    </li>
  );
}

const TIER_NAMES = ['big', 'middle', 'small'] as const;

/** A switch, reload, breaker or provider event in words; the JSON of any other. */
function describe(type: string, data: unknown): string {
  const d = (data ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  switch (type) {
    case 'switch': {
      const tiers = TIER_NAMES.filter((tier) => d[tier]).map(
        (tier) => `${tier} → ${text(d[tier])}`,
      );
      const who = d.session ? `session ${text(d.session)}` : 'everyone';
      return `${who}: ${tiers.join(', ') || "the config's targets"}`;
    }
    case 'reload':
      return d.ok ? `config reloaded in ${ms(d.ms as number)}` : `reload refused: ${text(d.error)}`;
    case 'breaker':
      return `${text(d.provider)}: ${text(d.from)} → ${text(d.to)}`;
    case 'providers':
      return `${text(d.name)} ${text(d.action)}`;
    default:
      return JSON.stringify(data);
  }
}

/** Finished requests, switches, reloads and breaker changes as they happen. */
export function LivePage() {
  const [events, setEvents] = useState<Received[]>([]);
  const [status, setStatus] = useState('connecting');
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState('');
  useEffect(() => {
    if (paused) return;
    const source = new EventSource('/api/events');
    let seq = 0;
    const receive = (type: string) => (message: MessageEvent<string>) => {
      let data: unknown = message.data;
      try {
        // `{ type, at, data }`: the bus's event, its payload in `data`.
        data = (JSON.parse(message.data) as { data?: unknown }).data;
      } catch {
        // plain text event: shown as it came
      }
      const event = { seq: seq++, type, data, at: Date.now() };
      setEvents((old) => [event, ...old].slice(0, KEEP));
    };
    for (const type of TYPES) source.addEventListener(type, receive(type));
    source.onopen = () => setStatus('connected');
    source.onerror = () =>
      setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    return () => source.close();
  }, [paused]);
  const shown = filter
    ? events.filter((event) =>
        JSON.stringify(event.data).toLowerCase().includes(filter.toLowerCase()),
      )
    : events;
  return (
    <section aria-labelledby="live-title">
      <div class="page-head">
        <h1 id="live-title">Live</h1>
        <span class={`badge live-${paused ? 'paused' : status}`} role="status">
          {paused ? 'paused' : status}
        </span>
      </div>
      <div class="filters card">
        <label>
          Filter
          <input
            type="search"
            value={filter}
            onInput={(event) => setFilter(event.currentTarget.value)}
          />
        </label>
        <div class="form-end">
          <button type="button" onClick={() => setPaused(!paused)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" class="ghost" onClick={() => setEvents([])}>
            Clear
          </button>
        </div>
      </div>
      {shown.length === 0 ? (
        <p class="muted">Waiting for requests…</p>
      ) : (
        <ol class="tail card" aria-live="polite">
          {shown.map((event) => (
            <Line key={event.seq} event={event} />
          ))}
        </ol>
      )}
    </section>
  );
}
