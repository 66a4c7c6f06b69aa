import type { ExportSource, Exported, ExportedProvider } from './source.ts';

/**
 * CC Switch's import links (`ccswitch://v1/import?resource=provider&app=claude&…`, the deep link
 * CC Switch registers): one per provider Claude Code can use. CC Switch points Claude Code straight
 * at a provider, which works for Anthropic-compatible ones; the others are reached through ccproxy
 * (its URL, the model as `provider,model`). A first link is ccproxy itself, with its tiers. CC
 * Switch stores the key as given: each is a `$VAR` placeholder to replace after importing.
 */
export function toCcSwitch(source: ExportSource): Exported {
  const notes: string[] = [];
  const token = source.clientKeyEnv ? `$${source.clientKeyEnv}` : 'ccproxy';
  const through = (name: string, model?: string) => ({
    name,
    homepage: `${source.url}/ui/`,
    endpoint: source.url,
    apiKey: token,
    ...(model && { model }),
  });
  const { big, middle, small } = source.tiers;
  const tiers = [big && `big ${big}`, middle && `middle ${middle}`, small && `small ${small}`]
    .filter(Boolean)
    .join(', ');
  const links = [link({ ...through('ccproxy'), notes: `ccproxy tiers: ${tiers || 'none'}` })];
  for (const p of source.providers) {
    const model = p.models[0];
    if (p.kind === 'anthropic' && p.baseUrl) links.push(link(direct(p, model)));
    else
      links.push(
        link({
          ...through(`ccproxy ${p.name}`, model && `${p.name},${model}`),
          notes: `${p.name} through ccproxy`,
        }),
      );
  }
  const keys = [
    ...new Set([
      ...(source.clientKeyEnv ? [source.clientKeyEnv] : []),
      ...source.providers.flatMap((p) => (p.kind === 'anthropic' && p.keyEnv ? [p.keyEnv] : [])),
    ]),
  ];
  if (keys.length)
    notes.push(
      `keys are $VAR placeholders: replace ${keys.join(', ')} in CC Switch after importing`,
    );
  return { text: `${links.join('\n')}\n`, notes };
}

/** An Anthropic-compatible provider, used by Claude Code directly. */
function direct(p: ExportedProvider, model: string | undefined) {
  return {
    name: p.name,
    homepage: new URL(p.baseUrl!).origin,
    endpoint: p.baseUrl!,
    apiKey: p.keyEnv ? `$${p.keyEnv}` : '$ANTHROPIC_API_KEY',
    ...(model && { model }),
    notes: 'exported from ccproxy',
  };
}

function link(params: Record<string, string>): string {
  const query = new URLSearchParams({ resource: 'provider', app: 'claude', ...params });
  return `ccswitch://v1/import?${query.toString()}`;
}
