import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, query } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { RequestTable } from '../components/request-table.tsx';
import { count, money, when } from '../format.ts';
import { replaceParams, type Route } from '../route.ts';
import type { RequestRow, RequestsAnswer, SessionAnswer } from '../types.ts';
import { useApi } from '../use-api.ts';

const FILTERS = ['q', 'session', 'provider', 'model', 'status', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

function filtersOf(route: Route): Filters {
  const filters: Filters = {};
  for (const name of FILTERS) filters[name] = route.params.get(name) ?? undefined;
  return filters;
}

/** A `datetime-local` value as the ISO time the API takes. */
const iso = (local: string | undefined) => (local ? new Date(local).toISOString() : undefined);

/** Rows matching the filters, a page at a time. */
function useRequestPages(filters: Filters) {
  const [pages, setPages] = useState<{
    rows: RequestRow[];
    next: string | null;
    error?: ApiError;
  }>();
  const key = JSON.stringify(filters);
  const load = async (cursor: string | null, previous: RequestRow[]) => {
    try {
      const answer = await get<RequestsAnswer>(
        `/api/requests${query({ ...filters, from: iso(filters.from), to: iso(filters.to), limit: 50, cursor })}`,
      );
      setPages({ rows: [...previous, ...answer.items], next: answer.next_cursor });
    } catch (error) {
      setPages({ rows: previous, next: null, error: error as ApiError });
    }
  };
  useEffect(() => {
    setPages(undefined);
    void load(null, []);
  }, [key]);
  return { pages, more: () => pages?.next && void load(pages.next, pages.rows) };
}

function SessionSummary({ id }: { id: string }) {
  const session = useApi<SessionAnswer>(`/api/sessions/${encodeURIComponent(id)}`);
  const s = session.data;
  if (!s) return <ErrorBox error={session.error} />;
  return (
    <div class="card">
      <h2>
        Session <code>{id}</code>
      </h2>
      <p>
        {count(s.totals.requests)} requests, {money(s.totals.cost_usd)} (saved{' '}
        {money(s.totals.saved_usd)}), from {when(s.first)} to {when(s.last)}
      </p>
      <ul class="plain">
        {s.models.map((m) => (
          <li>
            {m.requested_model} → {m.provider},{m.model}: {count(m.requests)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Groups rows by session, keeping the order of each session's newest row. */
function bySession(rows: RequestRow[]): Array<[string | null, RequestRow[]]> {
  const groups = new Map<string | null, RequestRow[]>();
  for (const row of rows) {
    const list = groups.get(row.session_id);
    if (list) list.push(row);
    else groups.set(row.session_id, [row]);
  }
  return [...groups];
}

/** Every stored request: full-text search, filters, grouped by session or not. */
export function RequestsPage({ route }: { route: Route }) {
  const filters = filtersOf(route);
  const [draft, setDraft] = useState<Filters>(filters);
  const grouped = route.params.get('group') === 'session';
  const { pages, more } = useRequestPages(filters);
  useEffect(() => setDraft(filtersOf(route)), [route]);
  const apply = (event: Event) => {
    event.preventDefault();
    replaceParams(route, { ...draft, group: grouped ? 'session' : undefined });
  };
  const set = (name: keyof Filters) => (event: { currentTarget: HTMLInputElement }) =>
    setDraft({ ...draft, [name]: event.currentTarget.value });
  const field = (name: keyof Filters, label: string, placeholder = '') => (
    <label>
      {label}
      <input name={name} value={draft[name] ?? ''} placeholder={placeholder} onInput={set(name)} />
    </label>
  );
  const time = (name: 'from' | 'to', label: string) => (
    <label>
      {label}
      <input type="datetime-local" name={name} value={draft[name] ?? ''} onInput={set(name)} />
    </label>
  );
  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Requests</h1>
      <form class="filters card" role="search" onSubmit={apply}>
        <label class="search">
          Search prompts and answers
          <input
            type="search"
            name="q"
            value={draft.q ?? ''}
            onInput={(event) => setDraft({ ...draft, q: event.currentTarget.value })}
          />
        </label>
        {field('session', 'Session')}
        {field('provider', 'Provider')}
        {field('model', 'Model')}
        {field('status', 'Status', '200, 429…')}
        {time('from', 'From')}
        {time('to', 'To')}
        <div class="form-end">
          <button type="submit">Search</button>
          <label class="inline">
            <input
              type="checkbox"
              checked={grouped}
              onChange={(event) =>
                replaceParams(route, {
                  ...filters,
                  group: event.currentTarget.checked ? 'session' : undefined,
                })
              }
            />
            Group by session
          </label>
        </div>
      </form>
      {filters.session && <SessionSummary id={filters.session} />}
      <ErrorBox error={pages?.error} />
      {pages && pages.rows.length === 0 && !pages.error && <p class="muted">No request matches.</p>}
      {pages &&
        pages.rows.length > 0 &&
        (grouped ? (
          bySession(pages.rows).map(([session, rows]) => (
            <details class="card session-group" open>
              <summary>
                {session ? <code>{session}</code> : 'no session'}: {rows.length} requests,{' '}
                {money(rows.reduce((sum, r) => sum + (r.cost_usd ?? 0), 0))}
              </summary>
              <RequestTable rows={rows} showSession={false} />
            </details>
          ))
        ) : (
          <div class="card">
            <RequestTable rows={pages.rows} />
          </div>
        ))}
      {pages?.next && (
        <button type="button" onClick={more}>
          Load more
        </button>
      )}
    </section>
  );
}
