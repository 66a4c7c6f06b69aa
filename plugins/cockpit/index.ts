import {
  checkOptions,
  Options,
  Type,
  type PluginOption,
  type Static,
  type TSchema,
} from '../../core/index.ts';
import { admin, AdminOptions } from '../admin/index.ts';
import { budgets } from '../budgets/index.ts';
import { cluster } from '../cluster/index.ts';
import { history } from '../history/index.ts';
import { live } from '../live/index.ts';
import { metrics, MetricsOptions } from '../metrics/index.ts';
import { storage } from '../storage/index.ts';
import { ui, UiOptions } from '../ui/index.ts';
import { tracing, TracingOptions } from '../tracing/index.ts';
import { usage } from '../usage/index.ts';

/** `true`/absent: on; `false`: left out. */
const Switch = Type.Optional(Type.Boolean());
/** A part that takes its plugin's options, or `false` to leave it out. */
const PartWith = <T extends TSchema>(options: T) =>
  Type.Optional(Type.Union([Type.Literal(false), options]));

/** Parts of the cockpit to leave out: each is on unless set to `false`. */
export const CockpitOptions = Options({
  /** Admin keys, besides `CCPROXY_ADMIN_KEY`; `false` leaves out `admin()` (the guard still applies). */
  admin: PartWith(AdminOptions),
  /** Request rows, cost and the usage/requests/sessions/statusline routes. */
  usage: Switch,
  /** Conversations kept for search (as the top-level `history` says). */
  history: Switch,
  /** The top-level `budgets`, enforced. */
  budgets: Switch,
  /** Live control: tier switch, runtime providers, discovery and tests, events, config reload. */
  live: Switch,
  /** The web UI at `/ui/` and its login; `false` leaves it out. */
  ui: PartWith(UiOptions),
  /** Prometheus metrics at `/metrics`. */
  metrics: PartWith(MetricsOptions),
  /** OpenTelemetry spans, exported only when an OTLP endpoint is set. */
  tracing: PartWith(TracingOptions),
  /** Live state kept in step between instances sharing storage (switches, runtime providers). */
  cluster: Switch,
});
export type CockpitOptions = Static<typeof CockpitOptions>;

/**
 * What runs around the proxy (DESIGN §8): storage (the top-level `storage`, SQLite by default),
 * usage and cost, history, budgets, the admin API, live control, the web UI, Prometheus metrics and OpenTelemetry
 * traces. Storage is always there, as it holds the
 * live state other parts use; `storage: false` keeps it in memory.
 * @example cockpit({ history: false })
 */
export function cockpit(options: CockpitOptions = {}): PluginOption[] {
  checkOptions('cockpit', CockpitOptions, options);
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
