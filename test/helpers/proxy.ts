import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import pino from 'pino';
import {
  startProxy,
  type PluginOption,
  type RunningProxy,
  type StartOptions,
} from '../../core/index.ts';
import type { ResolvedConfig } from '../../core/config/load.ts';

export interface TestProxyOptions {
  plugins: PluginOption[];
  server?: Partial<ResolvedConfig['server']>;
  env?: NodeJS.ProcessEnv;
  /** The key the SDK client presents. Default `test-key`. */
  apiKey?: string;
  pingIntervalMs?: number;
  /** The log level. Default `debug`. */
  logLevel?: 'info' | 'debug';
  /** Loads the config anew on `reload()` (hot reload tests). */
  loadConfig?: StartOptions['loadConfig'];
  /**
   * Plugins built anew for each `reload()`, in the same config as at start (`loadConfig` with the
   * other options kept): a reload as a re-read config file makes it.
   */
  reloadWith?: () => PluginOption[];
  /** Files whose change reloads the config. */
  watch?: string[];
  /** Top-level config keys (`storage`, `history`, `pricing`, `budgets`). Default `storage: false`. */
  config?: Pick<ResolvedConfig, 'storage' | 'history' | 'pricing' | 'budgets'>;
}

export interface TestProxy {
  url: string;
  /** The official SDK pointed at the proxy, retries off so each test sees one attempt. */
  client: Anthropic;
  /** Every log line the proxy wrote, parsed. */
  logs: Record<string, unknown>[];
  running: RunningProxy;
}

/** Starts ccproxy in-process on 127.0.0.1 with an ephemeral port; closed by `t.after`. */
export async function startTestProxy(
  t: TestContext | null,
  options: TestProxyOptions,
): Promise<TestProxy> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const configWith = (plugins: PluginOption[]): ResolvedConfig => ({
    file: 'test.config.ts',
    server: { host: '127.0.0.1', port: 0, allowOpen: false, ...options.server },
    plugins,
    logLevel: options.logLevel ?? 'debug',
    // In memory unless a test names a database: no test writes under the real HOME.
    storage: false,
    ...options.config,
  });
  const config = configWith(options.plugins);
  const { reloadWith } = options;
  const running = await startProxy(config, {
    env: options.env ?? {},
    logger: pino({ level: options.logLevel ?? 'debug', base: undefined }, sink),
    pingIntervalMs: options.pingIntervalMs,
    loadConfig:
      options.loadConfig ?? (reloadWith && (() => Promise.resolve(configWith(reloadWith())))),
    watch: options.watch,
  });
  t?.after(() => running.close());
  const client = new Anthropic({
    baseURL: running.url,
    apiKey: options.apiKey ?? 'test-key',
    maxRetries: 0,
  });
  return { url: running.url, client, logs, running };
}

/** A user message, for short test bodies. */
export const user = (text: string) => ({ role: 'user' as const, content: text });
