import {
  ConfigError,
  ProxyError,
  type Plugin,
  type Provider,
  type ProxyApp,
} from '../../core/index.ts';
import { anthropic } from '../providers/anthropic/index.ts';
import { gemini } from '../providers/gemini/index.ts';
import { openai } from '../providers/openai/index.ts';
import { openaiResponses } from '../providers/openai-responses/index.ts';

/** The wire formats a runtime provider may speak, by the factory that builds it. */
const FACTORIES: Record<string, (options: never) => Plugin> = {
  openai,
  anthropic,
  gemini,
  'openai-responses': openaiResponses,
};
export const KINDS = Object.keys(FACTORIES);

/** A provider added through the admin API, as stored: its kind and its factory's options. */
export interface StoredProvider {
  kind: string;
  options: { name: string; apiKey?: string; baseUrl?: string; [option: string]: unknown };
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
    };
  }

  /**
   * Adds (`name` absent) or replaces a runtime provider; effective on the next request. A
   * replacement without `apiKey` or `headers` keeps the stored ones: no route shows them whole,
   * so an editor cannot send them back.
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
      keepSecrets(entry, this.stored.get(name)!);
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

  /** Builds the provider with its factory and runs its setup against the app. */
  private async register(entry: StoredProvider): Promise<void> {
    const plugin = build(entry);
    await plugin.setup?.(this.app);
  }
}

/** Checks a provider body: `kind`, then the factory's own schema, as a config file would be. */
export function parseProvider(body: unknown, name?: string): StoredProvider {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid(
      'body: expected a JSON object like {"kind": "openai", "name": "…", "baseUrl": "…"}',
    );
  const { kind, ...options } = body as Record<string, unknown>;
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
  return entry;
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

/** The stored key and headers, where the edit `entry` does not give them. */
function keepSecrets(entry: StoredProvider, stored: StoredProvider): void {
  const { options } = entry;
  if (options.apiKey === undefined && stored.options.apiKey !== undefined)
    options.apiKey = stored.options.apiKey;
  if (options.headers === undefined && stored.options.headers !== undefined)
    options.headers = stored.options.headers;
}

/** `sk-proj-abcdef…` → `sk-…cdef`: enough to tell two keys apart, never enough to use one. */
export function maskKey(key: string): string {
  if (key.length < 12) return '****';
  return `${key.slice(0, 3)}…${key.slice(-4)}`;
}

const invalid = (message: string) => new ProxyError('invalid_request_error', 400, message);
