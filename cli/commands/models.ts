import type { DiscoveredModel } from '../../core/index.ts';
import type { ProviderEntry } from '../../plugins/live/providers.ts';
import { AdminError, adminCall, adminRequest, serverUrl } from '../admin-client.ts';

export interface ModelsFlags {
  refresh?: boolean;
  json?: boolean;
  url?: string;
}

/** One provider's models: its own list when it gave one, else the configured ones and why. */
export interface ProviderModels {
  provider: string;
  /** Discovered (`GET /api/providers/{name}/models`), else configured. */
  source: 'discovered' | 'configured';
  models: string[];
  /** Why discovery gave nothing (a provider without a list, an upstream refusing). */
  error: string | null;
}

/**
 * `ccproxy models [provider] [--refresh]`: each provider's models as `provider,model`, asked from
 * the provider's own models endpoint through the running server (cached there 10 minutes;
 * `--refresh` asks again), or its configured ones when it has no list.
 */
export async function models(provider: string | undefined, flags: ModelsFlags): Promise<void> {
  const url = serverUrl(flags.url);
  const { providers } = await adminRequest<{ providers: ProviderEntry[] }>(url, '/api/providers');
  const shown = provider ? providers.filter((p) => p.name === provider) : providers;
  if (provider && shown.length === 0)
    throw new AdminError(
      `no provider named "${provider}"; the server has ${providers.map((p) => p.name).join(', ') || 'none'}`,
    );
  const lists = await Promise.all(shown.map((p) => modelsOf(url, p, flags.refresh ?? false)));
  process.stdout.write(
    flags.json ? `${JSON.stringify(lists, null, 2)}\n` : lists.map(formatModels).join(''),
  );
}

async function modelsOf(url: string, p: ProviderEntry, refresh: boolean): Promise<ProviderModels> {
  const path = `/api/providers/${encodeURIComponent(p.name)}/models${refresh ? '?refresh=1' : ''}`;
  // Discovery may wait on a slow upstream (the server allows it 15 s).
  const found = await adminCall<{ models: DiscoveredModel[] }>(url, path, { timeoutMs: 20_000 });
  if (found.ok)
    return {
      provider: p.name,
      source: 'discovered',
      models: found.body.models.map((m) => m.id),
      error: null,
    };
  return { provider: p.name, source: 'configured', models: [...p.models], error: found.error };
}

function formatModels(list: ProviderModels): string {
  const note = list.error ? ` (${list.error})` : '';
  const head = `${list.provider}: ${list.models.length} ${list.source}${note}\n`;
  return head + list.models.map((model) => `  ${list.provider},${model}\n`).join('');
}
