import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import { ProxyRuntime } from './app.ts';
import type { ResolvedConfig } from './config/load.ts';
import { ConfigError } from './errors.ts';
import type { EventBus } from './events.ts';
import { Lasting } from './lasting.ts';
import { isLoopback } from './net.ts';
import { createRequestListener, type ServerOptions } from './server.ts';

declare module './plugin.ts' {
  interface ProxyServices {
    /** The server's event bus, kept across reloads (core provides it). */
    events: EventBus;
    /** Reloads the config (core provides it). */
    reloader: Reloader;
  }
}

/** How the last reload went: what `GET /api/config` shows and the `reload` event carries. */
export interface ReloadResult {
  ok: boolean;
  /** ISO time the reload finished. */
  at: string;
  /** Milliseconds from reading the file to the new runtime serving. */
  ms: number;
  /** The config file read, or `environment`. */
  source: string;
  /** Why the new config was refused (the running one kept serving). */
  error?: string;
  /** Settings that changed but take a restart to apply (the listening address). */
  needsRestart?: string[];
}

/** What reloads the config: core provides it to plugins as the service `'reloader'`. */
export interface Reloader {
  /** Loads, checks and swaps in the config file anew; a broken file keeps the running config. */
  reload(): Promise<ReloadResult>;
  /** The last reload's result, or null before the first. */
  readonly last: ReloadResult | null;
  /** False when the server was started without a way to load its config again (a library call). */
  readonly enabled: boolean;
}

/** One runtime and the responses it is serving. */
interface Generation {
  runtime: ProxyRuntime;
  listener: RequestListener;
  open: number;
  /** Set once it is closing: its plugins' `close()` running or done. */
  closing?: Promise<void>;
  /** Resolves when its plugins have closed. */
  closed: Promise<void>;
  markClosed: () => void;
}

export interface GenerationsOptions extends ServerOptions {
  log: Logger;
  env: NodeJS.ProcessEnv;
  events: EventBus;
  /** Loads the config again; absent, `reload()` answers that reloading is off. */
  loadConfig?: () => Promise<ResolvedConfig>;
}

/**
 * The runtimes of a server: the current one takes every new request; a reload builds and checks
 * a new one, then swaps it in atomically. A replaced runtime finishes the requests it holds (a
 * stream keeps its pipeline and target), then its plugins close.
 */
export class Generations implements Reloader {
  private current!: Generation;
  private readonly retiring = new Set<Generation>();
  private readonly options: GenerationsOptions;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lasting = new Lasting();
  last: ReloadResult | null = null;

  constructor(options: GenerationsOptions) {
    this.options = options;
  }

  get enabled(): boolean {
    return this.options.loadConfig !== undefined;
  }

  /** The runtime new requests go to. */
  get runtime(): ProxyRuntime {
    return this.current.runtime;
  }

  /** Builds the first runtime; a config mistake throws before anything listens. */
  async start(config: ResolvedConfig): Promise<void> {
    this.current = await this.build(config);
  }

  /** Serves one request on the current runtime, counting it until its response closes. */
  readonly listener: RequestListener = (req, res) => {
    const generation = this.current;
    generation.open++;
    res.once('close', () => {
      if (--generation.open === 0 && this.retiring.has(generation)) void this.close(generation);
    });
    generation.listener(req, res);
  };

  reload(): Promise<ReloadResult> {
    // One at a time: two saves of the file in a row load twice, in order, the last one winning.
    const run = this.queue.then(() => this.reloadNow());
    this.queue = run.catch(() => {});
    return run;
  }

  private async reloadNow(): Promise<ReloadResult> {
    const started = performance.now();
    const { log, loadConfig } = this.options;
    const old = this.current;
    try {
      if (!loadConfig) throw new Error('this server was started without a config loader');
      const config = await loadConfig();
      this.current = await this.build(config);
      const needsRestart = addressChanges(old.runtime.config, config);
      const result = this.report(started, {
        ok: true,
        source: this.current.runtime.source,
        ...(needsRestart.length && { needsRestart }),
      });
      log.info(result, 'config reloaded');
      // After the report: subscribers of the old runtime's event streams see it before they end.
      this.retire(old);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error({ err: error }, `config reload failed; the running config stays: ${message}`);
      return this.report(started, { ok: false, source: old.runtime.source, error: message });
    }
  }

  /** Completes, keeps and publishes a reload's result. */
  private report(started: number, outcome: Omit<ReloadResult, 'at' | 'ms'>): ReloadResult {
    const result: ReloadResult = {
      ...outcome,
      at: new Date().toISOString(),
      ms: elapsed(started),
    };
    this.last = result;
    this.options.events.publish('reload', result);
    return result;
  }

  /** Stops taking requests; resolves once every runtime's responses ended and its plugins closed. */
  async shutdown(): Promise<void> {
    this.retire(this.current);
    await Promise.all([...this.retiring].map((g) => g.closed));
  }

  private async build(config: ResolvedConfig): Promise<Generation> {
    const { log, env, events } = this.options;
    const runtime = new ProxyRuntime(config, log, env);
    runtime.provide('events', events);
    runtime.provide('reloader', this);
    runtime.provide('lasting', this.lasting);
    try {
      await runtime.setup();
      checkExposure(runtime);
    } catch (error) {
      // Plugins that set up before the failure may hold connections or timers.
      await runtime.pipeline.close(log);
      throw error;
    }
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    return {
      runtime,
      listener: createRequestListener(runtime, this.options),
      open: 0,
      closed,
      markClosed,
    };
  }

  private retire(generation: Generation): void {
    generation.runtime.retire();
    this.retiring.add(generation);
    if (generation.open === 0) void this.close(generation);
  }

  private close(generation: Generation): Promise<void> {
    return (generation.closing ??= generation.runtime.pipeline
      .close(this.options.log)
      .finally(() => {
        this.retiring.delete(generation);
        generation.markClosed();
      }));
  }
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 10) / 10;

/** A non-loopback address needs a plugin authenticating clients, or an explicit `allowOpen`. */
export function checkExposure(runtime: ProxyRuntime): void {
  const { host, allowOpen } = runtime.config.server;
  if (isLoopback(host) || allowOpen) return;
  if (runtime.service('client-auth')) return;
  throw new ConfigError(
    `${runtime.source}: server.host: "${host}" is not loopback and no auth plugin is configured; ` +
      'add auth({ keys }) or set server.allowOpen (CCPROXY_ALLOW_OPEN=1) to serve anyone',
  );
}

function addressChanges(before: ResolvedConfig, after: ResolvedConfig): string[] {
  const changed: string[] = [];
  if (before.server.host !== after.server.host) changed.push('server.host');
  if (before.server.port !== after.server.port) changed.push('server.port');
  return changed;
}
