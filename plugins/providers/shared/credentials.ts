import type { ClientInfo } from '../../../core/index.ts';

/**
 * The client's key when it may go to a non-Anthropic upstream (`passThroughKey`, the Python
 * proxies' "dynamic mode"), else undefined: never the key auth verified (ccproxy's own), never an
 * Anthropic credential (an `sk-ant-…` API key or Claude Code's OAuth token), which would hand the
 * user's Anthropic account to another vendor.
 */
export function foreignKey(
  client: Pick<ClientInfo, 'key' | 'access' | 'headers'>,
): string | undefined {
  const key = client.key;
  if (!key || client.access === 'key' || key.startsWith('sk-ant-')) return undefined;
  const betas = client.headers['anthropic-beta'];
  if (/oauth/i.test(Array.isArray(betas) ? betas.join(',') : (betas ?? ''))) return undefined;
  return key;
}
