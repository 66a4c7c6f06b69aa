import {
  checkOptions,
  ConfigError,
  ProxyError,
  type Plugin,
  type Provider,
  type ProxyApp,
} from '../../core/index.ts';
import { anthropic } from '../providers/anthropic/index.ts';
import { gemini } from '../providers/gemini/index.ts';
import { openai } from '../providers/openai/index.ts';
import { ollama } from '../providers/ollama/index.ts';
import { openaiResponses } from '../providers/openai-responses/index.ts';
import { combinePresets, Preset } from '../overrides/index.ts';
import { withPresets } from '../overrides/provider.ts';
import { maskHeaders, maskKey, unmaskHeaders } from './mask.ts';

/** The wire formats a runtime provider may speak, by the factory that builds it. */
const FACTORIES: Record<string, (options: never) => Plugin> = {
  openai,
  anthropic,
  gemini,
  'openai-responses': openaiResponses,
  ollama,
};
export const KINDS = Object.keys(FACTORIES);

/**
 * A provider added through the admin API, as stored: its kind, its factory's options and a body
 * override (an `overrides()` preset's `body`: deep-merged into each request it serves).
 */
export interface StoredProvider {
  kind: string;
  options: {
    name: string;
    apiKey?: string;
    baseUrl?: string;
    headers?: Record<string, string>;
    [option: string]: unknown;
  };
  body?: Record<string, unknown>;
}

/** One provider as `GET /api/providers` lists it; a key is never shown whole. */
export interface ProviderEntry {
  name: string;
  source: 'config' | 'runtime';
  kind: string | null;
  baseUrl: string | null;
  /** The key's first and last characters (`sk-…abcd`), or null when none is set or known. */
  apiKey: string | null;
  models: readonly string[];
  /** A runtime provider's headers, credential values masked like the key; null for config ones. */
  headers: Record<string, string> | null;
  /** A runtime provider's body override; null when it has none or comes from the config. */
  body: Record<string, unknown> | null;
}

const PREFIX = 'provider:';

declare module '../../core/index.ts' {
  interface ProxyServices {
    /** The runtime providers, provided by live(); `load()` re-reads them from storage. */
    'runtime-providers': RuntimeProviders;
  }
}

/**
 * Providers added, edited and removed at run time (DESIGN §8.3): a layer over the config's
 * providers, which stay read-only. Stored in `storage.settings`; each is built with the same
 * factory (and so checked against the same schema) as in a config file.
 */
export class RuntimeProviders {
  private readonly stored = new Map<string, StoredProvider>();
  private readonly app: ProxyApp;

  constructor(app: ProxyApp) {
    this.app = app;
  }

  /**
   * Makes the registered runtime providers match the stored ones: at start, and when another
   * instance changed them. A config provider of the same name wins, with a warning.
   */
  async load(): Promise<void> {
    const settings = this.app.service('storage')?.settings;
    if (!settings) return;
    const now = new Map(
      (await settings.list<StoredProvider>(PREFIX)).map(([key, e]) => [
        key.slice(PREFIX.length),
        e,
      ]),
    );
    for (const name of this.stored.keys())
      if (!now.has(name)) {
        this.app.unregisterProvider(name);
        this.stored.delete(name);
      }
    for (const [name, entry] of now) {
      const current = this.stored.get(name);
      if (current && JSON.stringify(current) === JSON.stringify(entry)) continue;
      if (!current && this.app.providers.has(name)) {
        this.app.log.warn(
          { provider: name },
          'a config provider has this name; the stored one is ignored',
        );
        continue;
      }
      if (current) this.app.unregisterProvider(name);
      this.stored.delete(name);
      try {
        await this.register(entry);
        this.stored.set(name, entry);
      } catch (error) {
        this.app.log.error({ err: error, provider: name }, 'a stored provider failed to load');
      }
    }
  }

  isRuntime(name: string): boolean {
    return this.stored.has(name);
  }

  /** Every provider, config and runtime, masked. */
  list(): ProviderEntry[] {
    return [...this.app.providers.values()].map((provider) => this.entry(provider));
  }

  entry(provider: Provider): ProviderEntry {
    const stored = this.stored.get(provider.name);
    return {
      name: provider.name,
      source: stored ? 'runtime' : 'config',
      kind: stored?.kind ?? provider.about?.kind ?? null,
      baseUrl:
        typeof stored?.options.baseUrl === 'string'
          ? stored.options.baseUrl
          : (provider.about?.baseUrl ?? null),
      apiKey: stored?.options.apiKey ? maskKey(stored.options.apiKey) : null,
      models: provider.models ?? [],
      headers: stored ? maskHeaders(stored.options.headers ?? {}) : null,
      body: stored?.body ?? null,
    };
  }

  /**
   * Adds (`name` absent) or replaces a runtime provider; effective on the next request. A
   * replacement without `apiKey`, `headers` or `body` keeps the stored ones, and a header sent
   * back as shown (masked) keeps its stored value: no route shows a secret whole, so an editor
   * cannot send it back.
   */
  async put(body: unknown, name?: string): Promise<ProviderEntry> {
    const entry = parseProvider(body, name);
    const taken = this.app.providers.has(entry.options.name);
    if (name === undefined && taken)
      throw invalid(
        `name: a provider named "${entry.options.name}" exists; PUT /api/providers/${entry.options.name} edits it`,
      );
    if (name !== undefined) {
      this.assertRuntime(name);
      keepSecrets(entry, this.stored.get(name)!, body as Record<string, unknown>);
    }
    await this.settings().set(PREFIX + entry.options.name, entry);
    const previous = this.app.providers.get(entry.options.name);
    if (previous) this.app.unregisterProvider(previous.name);
    try {
      await this.register(entry);
    } catch (error) {
      if (previous) this.app.registerProvider(previous);
      throw error;
    }
    this.stored.set(entry.options.name, entry);
    this.app
      .service('events')
      ?.publish('providers', { name: entry.options.name, action: previous ? 'edited' : 'added' });
    return this.entry(this.app.providers.get(entry.options.name)!);
  }

  async remove(name: string): Promise<void> {
    this.assertRuntime(name);
    const users = this.app.service('switch')?.uses(name) ?? [];
    if (users.length)
      throw invalid(
        `provider "${name}" is the switched target of ${users.join(', ')}; switch those first`,
      );
    await this.settings().delete(PREFIX + name);
    this.app.unregisterProvider(name);
    this.stored.delete(name);
    this.app.service('events')?.publish('providers', { name, action: 'removed' });
  }

  private assertRuntime(name: string): void {
    if (this.stored.has(name)) return;
    if (this.app.providers.has(name))
      throw new ProxyError(
        'permission_error',
        403,
        `provider "${name}" comes from the config file, which is read-only here; edit the file`,
      );
    throw new ProxyError('not_found_error', 404, `No runtime provider named "${name}"`);
  }

  private settings() {
    const settings = this.app.service('storage')?.settings;
    if (!settings)
      throw new ProxyError(
        'not_found_error',
        404,
        'Runtime providers need storage; none is configured',
      );
    return settings;
  }

  /**
   * Builds the provider with its factory and runs its setup against the app; with a body
   * override, the registered provider applies it to each of its calls.
   */
  private async register(entry: StoredProvider): Promise<void> {
    const plugin = build(entry);
    await plugin.setup?.(this.app);
    if (!entry.body) return;
    const name = entry.options.name;
    const built = this.app.providers.get(name)!;
    this.app.unregisterProvider(name);
    this.app.registerProvider(withPresets(built, combinePresets([{ body: entry.body }], name)));
  }
}

/**
 * Checks a provider as the API receives it: `kind`, then the factory's own schema, and `body`
 * with the schema of an `overrides()` preset, as a config file would be.
 */
export function parseProvider(input: unknown, name?: string): StoredProvider {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid(
      'body: expected a JSON object like {"kind": "openai", "name": "…", "baseUrl": "…"}',
    );
  const { kind, body, ...options } = input as Record<string, unknown>;
  if (typeof kind !== 'string' || !KINDS.includes(kind))
    throw invalid(`kind: expected one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (name !== undefined && options.name !== undefined && options.name !== name)
    throw invalid(
      `name: the path names "${name}", the body ${JSON.stringify(options.name)}; rename by removing and adding`,
    );
  options.name ??= name;
  if (typeof options.name !== 'string' || options.name === '')
    throw invalid('name: expected the provider name model references use (`name,model`)');
  const entry = { kind, options } as StoredProvider;
  build(entry);
  if (body !== undefined) entry.body = checkBody(body);
  return entry;
}

/** A body override, checked as an `overrides()` preset's `body`; `{}` means none. */
function checkBody(body: unknown): Record<string, unknown> | undefined {
  try {
    checkOptions('overrides', Preset, { body });
  } catch (error) {
    if (error instanceof ConfigError)
      throw invalid(error.message.replace(/^plugins \(overrides\): options\./, ''));
    throw error;
  }
  return Object.keys(body as object).length ? (body as Record<string, unknown>) : undefined;
}

function build(entry: StoredProvider): Plugin {
  try {
    return FACTORIES[entry.kind]!(entry.options as never);
  } catch (error) {
    if (error instanceof ConfigError)
      throw invalid(error.message.replace(/^plugins \(([^)]*)\): /, ''));
    throw error;
  }
}

/**
 * The stored key, headers and body where the edit `entry` does not give them, and the stored
 * value of each header sent back masked as `GET` shows it.
 */
function keepSecrets(entry: StoredProvider, stored: StoredProvider, sent: Record<string, unknown>) {
  const { options } = entry;
  if (options.apiKey === undefined && stored.options.apiKey !== undefined)
    options.apiKey = stored.options.apiKey;
  if (options.headers === undefined) {
    if (stored.options.headers !== undefined) options.headers = stored.options.headers;
  } else options.headers = unmaskHeaders(options.headers, stored.options.headers ?? {});
  if (!('body' in sent) && stored.body !== undefined) entry.body = stored.body;
}

const invalid = (message: string) => new ProxyError('invalid_request_error', 400, message);
