import { get } from './api.ts';
import type { ProviderInfo } from './types.ts';

/** A discovery answer: the upstream's list in whatever shape the route gives it. */
type Discovered = Array<string | { id: string }> | { models?: unknown; data?: unknown };

function ids(answer: Discovered): string[] {
  const list = Array.isArray(answer) ? answer : (answer.models ?? answer.data);
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) =>
    typeof item === 'string'
      ? [item]
      : item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string'
        ? [(item as { id: string }).id]
        : [],
  );
}

// What "Discover models" found, per provider, for this page's life: the switch offers it too.
const discovered = new Map<string, string[]>();

/**
 * `GET /api/providers/{name}/models`: the provider's own model ids. The server keeps a list 10
 * minutes; `refresh` asks the upstream again.
 */
export async function discover(provider: string, refresh = false): Promise<string[]> {
  const path = `/api/providers/${encodeURIComponent(provider)}/models${refresh ? '?refresh=1' : ''}`;
  const models = ids(await get<Discovered>(path));
  discovered.set(provider, models);
  return models;
}

/**
 * Every `provider,model` a switch can pick: the models each provider declares, then those that
 * "Discover models" found on the Providers page. Discovery is never started from here: it calls
 * the upstream, which the user asks for on purpose.
 */
export function targetsOf(providers: readonly ProviderInfo[] | undefined): string[] {
  const targets = new Set<string>();
  for (const provider of providers ?? []) {
    for (const model of [...provider.models, ...(discovered.get(provider.name) ?? [])]) {
      targets.add(`${provider.name},${model}`);
    }
  }
  return [...targets];
}
