import type { PluginOption } from '../../core/index.ts';
import { admin, type AdminOptions } from '../admin/index.ts';
import { budgets } from '../budgets/index.ts';
import { cluster } from '../cluster/index.ts';
import { history } from '../history/index.ts';
import { live } from '../live/index.ts';
import { metrics, type MetricsOptions } from '../metrics/index.ts';
import { storage } from '../storage/index.ts';
import { ui, type UiOptions } from '../ui/index.ts';
import { tracing, type TracingOptions } from '../tracing/index.ts';
import { usage } from '../usage/index.ts';

/** Parts of the cockpit to leave out: each is on unless set to `false`. */
export interface CockpitOptions {
  /** Admin keys, besides `CCPROXY_ADMIN_KEY`; `false` leaves out `admin()` (the guard still applies). */
  admin?: AdminOptions | false;
  /** Request rows, cost and the usage/requests/sessions/statusline routes. */
  usage?: boolean;
  /** Conversations kept for search (as the top-level `history` says). */
  history?: boolean;
  /** The top-level `budgets`, enforced. */
  budgets?: boolean;
  /** Live control: tier switch, runtime providers, discovery and tests, events, config reload. */
  live?: boolean;
  /** The web UI at `/ui/` and its login; `false` leaves it out. */
  ui?: UiOptions | false;
  /** Prometheus metrics at `/metrics`. */
  metrics?: MetricsOptions | false;
  /** OpenTelemetry spans, exported only when an OTLP endpoint is set. */
  tracing?: TracingOptions | false;
  /** Live state kept in step between instances sharing storage (switches, runtime providers). */
  cluster?: boolean;
}

/**
 * What runs around the proxy (DESIGN §8): storage (the top-level `storage`, SQLite by default),
 * usage and cost, history, budgets, the admin API, live control, the web UI, Prometheus metrics and OpenTelemetry
 * traces. Storage is always there, as it holds the
 * live state other parts use; `storage: false` keeps it in memory.
 * @example cockpit({ history: false })
 */
export function cockpit(options: CockpitOptions = {}): PluginOption[] {
  return [
    options.admin !== false && admin(options.admin || {}),
    storage(),
    options.usage !== false && usage(),
    options.history !== false && history(),
    options.budgets !== false && options.usage !== false && budgets(),
    options.live !== false && live(),
    options.ui !== false && ui(options.ui || {}),
    // After usage: a request's cost is on its row when metrics count it.
    options.metrics !== false && metrics(options.metrics || {}),
    options.tracing !== false && tracing(options.tracing || {}),
    options.cluster !== false && cluster(),
  ];
}
