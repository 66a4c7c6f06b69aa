import { ServerLimits } from '../http/limits.ts';
import type { PluginOption } from '../plugin.ts';
import { BudgetOptions, HistoryOptions, Pricing, StorageSetting } from './cockpit.ts';
import { Options, RedisUrl, Type, type Static } from './schema.ts';

/** Where the server listens. */
export const ServerConfig = Options({
  /** Default `127.0.0.1`: loopback unless told otherwise. */
  host: Type.Optional(Type.String({ minLength: 1 })),
  /** Default `3456`. */
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  /**
   * Serve on a non-loopback host with no client key. Off by default: ccproxy refuses to start open
   * on a public interface, since anyone reaching it would spend your provider keys.
   */
  allowOpen: Type.Optional(Type.Boolean()),
  /** Timeouts and the connection cap that keep slow or idle clients from exhausting the server. */
  limits: Type.Optional(ServerLimits),
  /**
   * Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client: auth's
   * `allowIps`, rate limits and logs then see the client's address rather than the proxy's. A peer
   * not listed is taken as the client, whatever it forwards. Default: none.
   */
  trustProxy: Type.Optional(Type.Array(Type.String())),
});
export type ServerConfig = Static<typeof ServerConfig>;

/** pino's levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The config file's shape: the type `defineConfig` checks and the schema the loader validates. */
export const UserConfig = Options({
  server: Type.Optional(ServerConfig),
  /** Plugins in order; falsy entries (`cond && plugin()`) and nested arrays (presets) are allowed. */
  plugins: Type.Optional(Type.Unsafe<PluginOption[]>({ type: 'array' })),
  /**
   * `redis://…`: shared state (breaker state, rate-limit budgets, the boost plan cache) for every
   * instance using the same URL, so several ccproxy behind a load balancer agree. Plugins may
   * override it with their own `redis` option. Default: each instance keeps its state in memory.
   */
  redis: Type.Optional(RedisUrl),
  /**
   * Where usage, history and live state are kept (the `cockpit()` plugins): `sqlite:PATH` (default
   * `sqlite:$CCPROXY_HOME/ccproxy.db`), `postgres://…`, or `false` for memory only.
   */
  storage: Type.Optional(StorageSetting),
  /** What is kept of each conversation. Default `{ bodies: 'full', retentionDays: 30 }`. */
  history: Type.Optional(HistoryOptions),
  /** Prices by `provider,model`, over the bundled pricing data (USD per million tokens). */
  pricing: Type.Optional(Pricing),
  /** Spending limits in USD, checked before each upstream call. */
  budgets: Type.Optional(BudgetOptions),
  /** pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`. Default `info`. */
  logLevel: Type.Optional(Type.Enum([...LOG_LEVELS])),
});
export type UserConfig = Static<typeof UserConfig>;

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
