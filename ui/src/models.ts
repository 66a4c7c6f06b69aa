import { useEffect, useState } from 'preact/hooks';
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

/** `GET /api/providers/{name}/models`: the provider's own model ids. */
export async function discover(provider: string): Promise<string[]> {
  return ids(await get<Discovered>(`/api/providers/${encodeURIComponent(provider)}/models`));
}

/**
 * Every `provider,model` a switch can pick: the models each provider declares, then what
 * discovery finds (a provider that fails discovery keeps its declared models).
 */
export function useTargets(providers: ProviderInfo[] | undefined): string[] {
  const [discovered, setDiscovered] = useState<Record<string, string[]>>({});
  useEffect(() => {
    if (!providers) return;
    let current = true;
    for (const provider of providers) {
      discover(provider.name).then(
        (models) => current && setDiscovered((old) => ({ ...old, [provider.name]: models })),
        () => undefined,
      );
    }
    return () => {
      current = false;
    };
  }, [providers]);
  const targets = new Set<string>();
  for (const provider of providers ?? []) {
    for (const model of [...(provider.models ?? []), ...(discovered[provider.name] ?? [])]) {
      targets.add(`${provider.name},${model}`);
    }
  }
  return [...targets];
}
