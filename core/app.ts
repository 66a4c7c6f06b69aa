import Router from '@koa/router';
import type { Logger } from 'pino';
import type { ResolvedConfig } from './config/load.ts';
import { ConfigError } from './errors.ts';
import { Health, type HealthCheck } from './health.ts';
import { readBody } from './http/read-body.ts';
import { instanceId } from './ids.ts';
import { Secrets } from './secrets.ts';
import { Pipeline } from './pipeline/build.ts';
import { resolvePlugins, suggest } from './pipeline/resolve.ts';
import type { Plugin, Provider, ProxyApp, ProxyServices, Target } from './plugin.ts';

/** A target some plugin routes to, checked once every plugin has set up. */
export interface Requirement {
  target: Target;
  where: string;
  label?: string;
}

/** The start-time registry plugins see in `setup`, plus what the server needs from it. */
export class ProxyRuntime implements ProxyApp {
  readonly providers = new Map<string, Provider>();
  /** Credentials plugins registered: redacted from upstream text (errors, `/health`, logs). */
  readonly secrets = new Secrets();
  /** `provider,model` references listed by `/v1/models`, in registration order. */
  readonly models = new Set<string>();
  readonly http = new Router();
  readonly readBody = readBody;
  readonly pipeline: Pipeline;
  /** Targets plugins declared, for the start-up check and the banner. */
  readonly requirements: Requirement[] = [];
  /** The checks behind `GET /health`, and the draining flag shutdown sets. */
  readonly health = new Health();

  readonly config: ResolvedConfig;
  readonly log: Logger;
  /**
   * Writes the one summary line per request. Its fields are fixed and none is a credential, so it
   * skips pino's path redaction, which costs more than the rest of the line (~12 µs with the
   * wildcard paths). Everything else logs through `log`, redacted.
   */
  readonly requestLog: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly instance: string;
  readonly #services = new Map<keyof ProxyServices, unknown>();
  readonly #retired = new AbortController();

  constructor(config: ResolvedConfig, log: Logger, env: NodeJS.ProcessEnv) {
    this.config = config;
    this.log = log;
    this.requestLog = log.child({}, { redact: [] });
    this.env = env;
    this.instance = instanceId(env);
    this.pipeline = new Pipeline(resolvePlugins(config.plugins, this.source));
  }

  get plugins(): readonly Plugin[] {
    return this.pipeline.plugins;
  }

  get server() {
    return this.config.server;
  }

  get redis(): string | undefined {
    return this.config.redis;
  }

  /** The config file's name, or `environment`: the prefix of every start-up error. */
  get source(): string {
    return this.config.file ?? 'environment';
  }

  /** Aborted when this runtime stops taking requests: a reload replaced it, or shutdown began. */
  get retired(): AbortSignal {
    return this.#retired.signal;
  }

  /** Marks the runtime replaced: long-lived responses (event streams) end so that it can drain. */
  retire(): void {
    this.#retired.abort();
  }

  /** What plugins flagged with `warnAtStart`, for the start banner. */
  readonly warnings: string[] = [];

  warnAtStart(message: string): void {
    this.warnings.push(message);
    this.log.warn(message);
  }

  addSecret(value: string | undefined): void {
    this.secrets.add(value);
  }

  redact(text: string): string {
    return this.secrets.redact(text);
  }

  registerProvider(provider: Provider): void {
    if (this.providers.has(provider.name)) {
      throw new ConfigError(`two providers are named "${provider.name}"; give each a unique name`);
    }
    this.providers.set(provider.name, provider);
    for (const model of provider.models ?? []) this.models.add(`${provider.name},${model}`);
  }

  unregisterProvider(name: string): boolean {
    const provider = this.providers.get(name);
    if (!provider) return false;
    this.providers.delete(name);
    for (const model of provider.models ?? []) this.models.delete(`${name},${model}`);
    return true;
  }

  provide<K extends keyof ProxyServices>(name: K, service: ProxyServices[K]): void {
    if (this.#services.has(name)) {
      throw new ConfigError(`two plugins provide the service "${String(name)}"; keep one`);
    }
    this.#services.set(name, service);
  }

  service<K extends keyof ProxyServices>(name: K): ProxyServices[K] | undefined {
    return this.#services.get(name) as ProxyServices[K] | undefined;
  }

  addHealthCheck(name: string, check: HealthCheck): void {
    this.health.add(name, check);
  }

  /**
   * Declares that a plugin routes to `target`; start-up fails if its provider is not configured.
   * `where` names the option, e.g. `plugins (model-map): options.big`.
   */
  requireTarget(target: Target, where: string, label?: string): void {
    this.requirements.push({ target, where, label });
    // A bare model name goes to whichever provider core picks: listed as the name alone.
    this.models.add(target.provider ? `${target.provider},${target.model}` : target.model);
  }

  /** Runs every plugin's `setup`, then the checks that need all of them. */
  async setup(): Promise<void> {
    for (const plugin of this.pipeline.plugins) {
      try {
        await plugin.setup?.(this);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new ConfigError(`${this.source}: plugins (${plugin.name}): ${message}`);
      }
    }
    for (const { target, where } of this.requirements) {
      const provider = target.provider;
      if (!provider || this.providers.has(provider)) continue;
      const known = [...this.providers.keys()];
      const hint = suggest(provider, known);
      throw new ConfigError(
        `${this.source}: ${where}: unknown provider "${provider}"` +
          (hint ? `; did you mean "${hint}"?` : `; configured: ${known.join(', ') || 'none'}`),
      );
    }
    if (this.providers.size === 0) {
      throw new ConfigError(
        `${this.source}: plugins: expected at least one provider plugin (openai(), anthropic(), …)`,
      );
    }
  }
}
