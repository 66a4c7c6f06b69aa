import type { ServerLimits } from '../http/limits.ts';
import type { PluginOption } from '../plugin.ts';
import type { BudgetOptions, HistoryOptions, Price, StorageSetting } from '../storage.ts';

/** Where the server listens. */
export interface ServerConfig {
  /** Default `127.0.0.1`: loopback unless told otherwise. */
  host?: string;
  /** Default `3456`. */
  port?: number;
  /**
   * Serve on a non-loopback host with no client key. Off by default: ccproxy refuses to start open
   * on a public interface, since anyone reaching it would spend your provider keys.
   */
  allowOpen?: boolean;
  /** Timeouts and the connection cap that keep slow or idle clients from exhausting the server. */
  limits?: ServerLimits;
  /**
   * Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client: auth's
   * `allowIps`, rate limits and logs then see the client's address rather than the proxy's. A peer
   * not listed is taken as the client, whatever it forwards. Default: none.
   */
  trustProxy?: string[];
}

export interface UserConfig {
  server?: ServerConfig;
  /** Plugins in order; falsy entries (`cond && plugin()`) and nested arrays (presets) are allowed. */
  plugins?: PluginOption[];
  /**
   * `redis://…`: shared state (breaker state, rate-limit budgets, the boost plan cache) for every
   * instance using the same URL, so several ccproxy behind a load balancer agree. Plugins may
   * override it with their own `redis` option. Default: each instance keeps its state in memory.
   */
  redis?: string;
  /**
   * Where usage, history and live state are kept (the `cockpit()` plugins): `sqlite:PATH` (default
   * `sqlite:$CCPROXY_HOME/ccproxy.db`), `postgres://…`, or `false` for memory only.
   */
  storage?: StorageSetting;
  /** What is kept of each conversation. Default `{ bodies: 'full', retentionDays: 30 }`. */
  history?: HistoryOptions;
  /** Prices by `provider,model`, over the bundled pricing data (USD per million tokens). */
  pricing?: Record<string, Price>;
  /** Spending limits in USD, checked before each upstream call. */
  budgets?: BudgetOptions;
  /** pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`. Default `info`. */
  logLevel?: LogLevel;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** What a config function receives. */
export interface ConfigEnv {
  /** The CLI command being run (`start`, `models`…). */
  command: string;
  env: NodeJS.ProcessEnv;
}

export type UserConfigFn = (env: ConfigEnv) => UserConfig | Promise<UserConfig>;

/**
 * Types a config; returns it unchanged. Not generic on purpose: a type parameter would switch off
 * excess-property checks, and `servr:` would compile.
 * @example export default defineConfig({ plugins: [openai({ name: 'openai' })] })
 */
// The function form comes first: an arrow without parameters gets its return type from the first
// overload tried, and only this one keeps `logLevel: 'debug'` a literal rather than a string.
export function defineConfig(config: UserConfigFn): UserConfigFn;
export function defineConfig(config: UserConfig): UserConfig;
export function defineConfig(config: UserConfig | UserConfigFn): UserConfig | UserConfigFn {
  return config;
}
