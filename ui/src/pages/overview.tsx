import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, query } from '../api.ts';
import { Chart } from '../components/chart.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Kpi } from '../components/kpi.tsx';
import { UsageTable } from '../components/usage-table.tsx';
import { count, money, ms, percent, tokens } from '../format.ts';
import { replaceParams, type Route } from '../route.ts';
import { RANGES, bucketSeries, rowStats } from '../stats.ts';
import type { RequestRow, RequestsAnswer, UsageAnswer } from '../types.ts';
import { useApi } from '../use-api.ts';

/** Latency, success and the charts come from the rows of the range, up to this many. */
const ROW_CAP = 5000;
const PAGE = 500;

/** The request rows of a range, newest first, paged until the cap. */
function useRows(from: string, to: string) {
  const [state, setState] = useState<{ rows?: RequestRow[]; capped?: boolean; error?: ApiError }>(
    {},
  );
  useEffect(() => {
    let current = true;
    setState({});
    void (async () => {
      const rows: RequestRow[] = [];
      let cursor: string | null = null;
      try {
        do {
          const page: RequestsAnswer = await get(
            `/api/requests${query({ from, to, limit: PAGE, cursor })}`,
          );
          rows.push(...page.items);
          cursor = page.next_cursor;
        } while (cursor && rows.length < ROW_CAP && current);
        if (current) setState({ rows, capped: cursor !== null });
      } catch (error) {
        if (current) setState({ error: error as ApiError });
      }
    })();
    return () => {
      current = false;
    };
  }, [from, to]);
  return state;
}

const costOf = (row: RequestRow) => row.cost_usd;
const tokensOf = (row: RequestRow) =>
  row.input_tokens +
  row.output_tokens +
  row.cache_read_input_tokens +
  row.cache_creation_input_tokens;
const shortMoney = (value: number) => money(value, true);

/** Cost, tokens, savings, success, latency and cache figures over a time range. */
export function OverviewPage({ route }: { route: Route }) {
  const range = RANGES.find((r) => r.label === route.params.get('range')) ?? RANGES[1]!;
  // The range ends now, rounded to the minute so that re-renders do not refetch.
  const [now] = useState(() => Math.ceil(Date.now() / 60_000) * 60_000);
  const from = new Date(now - range.ms).toISOString();
  const to = new Date(now).toISOString();
  const byModel = useApi<UsageAnswer>(`/api/usage${query({ by: 'model', from, to })}`);
  const byProvider = useApi<UsageAnswer>(`/api/usage${query({ by: 'provider', from, to })}`);
  const rows = useRows(from, to);
  const stats = useMemo(() => rowStats(rows.rows ?? []), [rows.rows]);
  const charts = useMemo(() => {
    const bucket = { from: now - range.ms, to: now, bucketMs: range.bucketMs };
    const list = rows.rows ?? [];
    return {
      costByModel: bucketSeries(list, { ...bucket, group: (r) => r.model, value: costOf }),
      tokensByProvider: bucketSeries(list, {
        ...bucket,
        group: (r) => r.provider,
        value: tokensOf,
      }),
    };
  }, [rows.rows, now, range]);
  const total = byModel.data?.total;
  const saved = total?.saved_usd;

  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <h1 id="overview-title">Overview</h1>
        <label class="inline">
          Range
          <select
            value={range.label}
            onChange={(event) => replaceParams(route, { range: event.currentTarget.value })}
          >
            {RANGES.map((r) => (
              <option value={r.label}>{r.label}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={byModel.error ?? byProvider.error ?? rows.error} />
      <div class="kpis">
        <Kpi
          label="Cost"
          value={total ? money(total.cost_usd, true) : '…'}
          hint={total?.unpriced_requests ? `${count(total.unpriced_requests)} unpriced` : undefined}
        />
        <Kpi
          label="Saved vs Anthropic"
          value={total ? money(saved, true) : '…'}
          hint="list price of the models asked for"
        />
        <Kpi label="Requests" value={total ? count(total.requests) : '…'} />
        <Kpi label="Success rate" value={rows.rows ? percent(stats.successRate) : '…'} />
        <Kpi
          label="Latency p50 / p95"
          value={rows.rows ? `${ms(stats.latency.p50)} / ${ms(stats.latency.p95)}` : '…'}
        />
        <Kpi
          label="First token p50 / p95"
          value={rows.rows ? `${ms(stats.ttft.p50)} / ${ms(stats.ttft.p95)}` : '…'}
        />
        <Kpi label="Cache hit rate" value={rows.rows ? percent(stats.cacheHitRate) : '…'} />
        <Kpi
          label="Tokens in / out"
          value={total ? `${tokens(total.input_tokens)} / ${tokens(total.output_tokens)}` : '…'}
        />
      </div>
      {rows.capped && (
        <p class="muted">
          Success, latency and the charts are worked out from the latest {count(ROW_CAP)} requests
          of the range; the totals count every request.
        </p>
      )}
      {rows.rows && (
        <div class="charts">
          <Chart title="Cost by model (USD)" data={charts.costByModel} format={shortMoney} />
          <Chart title="Tokens by provider" data={charts.tokensByProvider} format={tokens} />
        </div>
      )}
      <div class="tables">
        <UsageTable title="By model" answer={byModel.data} />
        <UsageTable title="By provider" answer={byProvider.data} />
      </div>
    </section>
  );
}
