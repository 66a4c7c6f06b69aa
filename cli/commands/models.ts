import type { ProviderEntry } from '../../plugins/live/providers.ts';
import { AdminError, adminRequest, serverUrl } from '../admin-client.ts';

export interface ModelsFlags {
  json?: boolean;
  url?: string;
}

/**
 * `ccproxy models [provider]`: the models each provider of the running server serves (configured,
 * or listed by the upstream at start), as `provider,model` references for `/model` and `switch`.
 */
export async function models(provider: string | undefined, flags: ModelsFlags): Promise<void> {
  const url = serverUrl(flags.url);
  const { providers } = await adminRequest<{ providers: ProviderEntry[] }>(url, '/api/providers');
  const shown = provider ? providers.filter((p) => p.name === provider) : providers;
  if (provider && shown.length === 0)
    throw new AdminError(
      `no provider named "${provider}"; the server has ${providers.map((p) => p.name).join(', ') || 'none'}`,
    );
  if (flags.json) {
    const list = shown.map((p) => ({ provider: p.name, models: p.models }));
    return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  }
  process.stdout.write(shown.map(formatProvider).join(''));
}

function formatProvider(p: ProviderEntry): string {
  if (p.models.length === 0)
    return `${p.name}: no models known (list them in its models option; any name still works as ${p.name},<model>)\n`;
  return p.models.map((model) => `${p.name},${model}\n`).join('');
}
