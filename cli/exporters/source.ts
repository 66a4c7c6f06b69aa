import pino from 'pino';
import { startProxy, type Provider, type ResolvedConfig } from '../../core/index.ts';
import type { ProxyRuntime } from '../../core/app.ts';
import { keyVariable } from '../importers/shape.ts';

/** One provider as an export describes it: never its key, only where a key is to be read. */
export interface ExportedProvider {
  name: string;
  source: 'config' | 'runtime';
  /** `openai`, `anthropic`, `gemini`, `openai-responses`; null for an in-house provider. */
  kind: string | null;
  baseUrl: string | null;
  /**
   * The variable the target should read the key from: the one holding it in this environment,
   * else `<NAME>_API_KEY` (the name ccproxy's init and import give it); null when the provider
   * holds no key.
   */
  keyEnv: string | null;
  /** Its configured models, then the tier targets it serves. */
  models: string[];
}

/** What the exports are made of: the providers, the tiers in force and ccproxy's own address. */
export interface ExportSource {
  providers: ExportedProvider[];
  /** `provider,model` per tier, switches included; null for a tier with no target. */
  tiers: { big: string | null; middle: string | null; small: string | null };
  /** ccproxy's URL, for targets that reach a provider through it. */
  url: string;
  /** The variable holding the key clients present to ccproxy; null when any key is accepted. */
  clientKeyEnv: string | null;
}

/** An export's text and the lines that say what the user still has to do. */
export interface Exported {
  text: string;
  notes: string[];
}

/**
 * Starts the config privately (loopback, a port the OS picks), as `doctor` does, so that the
 * providers are the config's plus the runtime ones in storage, and the tiers those in force.
 */
export async function readExportSource(
  config: ResolvedConfig,
  url: string,
  env: NodeJS.ProcessEnv,
): Promise<ExportSource> {
  const proxy = await startProxy(
    { ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } },
    { logger: pino({ level: 'silent' }) },
  );
  try {
    const runtime = proxy.runtime;
    const tiers = await tiersOf(runtime);
    const targets = Object.values(tiers).filter((t): t is string => t !== null);
    const runtimeProviders = runtime.service('runtime-providers');
    const providers = [...runtime.providers.values()].map((provider) => ({
      ...describe(provider, targets, env),
      source: runtimeProviders?.entry(provider).source ?? 'config',
    }));
    const clientKeyEnv = env.CCPROXY_API_KEY
      ? 'CCPROXY_API_KEY'
      : env.ANTHROPIC_API_KEY
        ? 'ANTHROPIC_API_KEY'
        : null;
    return { providers, tiers, url, clientKeyEnv };
  } finally {
    await proxy.close();
  }
}

async function tiersOf(runtime: ProxyRuntime): Promise<ExportSource['tiers']> {
  const live = runtime.service('switch');
  await live?.load();
  const view = live?.view();
  return { big: view?.big ?? null, middle: view?.middle ?? null, small: view?.small ?? null };
}

function describe(
  provider: Provider,
  targets: readonly string[],
  env: NodeJS.ProcessEnv,
): Omit<ExportedProvider, 'source'> {
  const prefix = `${provider.name},`;
  const routed = targets.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
  return {
    name: provider.name,
    kind: provider.about?.kind ?? null,
    baseUrl: provider.about?.baseUrl ?? null,
    keyEnv: provider.about?.keyed ? keyHolder(provider, env) : null,
    models: [...new Set([...(provider.models ?? []), ...routed])],
  };
}

/**
 * The variable holding the provider's key here, asked of the provider itself (the key never
 * leaves it); the conventional name first when several hold it, `<NAME>_API_KEY` when none does.
 */
function keyHolder(provider: Provider, env: NodeJS.ProcessEnv): string {
  const conventional = keyVariable(provider.name);
  const holders = Object.keys(env).filter((name) => {
    const value = env[name];
    return value !== undefined && value !== '' && provider.about!.isKey(value);
  });
  return holders.includes(conventional) ? conventional : (holders[0] ?? conventional);
}

/** The model of a `provider,model` target. */
export const modelOf = (target: string): string => target.slice(target.indexOf(',') + 1);
