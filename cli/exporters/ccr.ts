import type { ExportSource, Exported, ExportedProvider } from './source.ts';

/** Vendors whose dialect claude-code-router handles with a transformer of the same name. */
const VENDOR_TRANSFORMERS: [RegExp, string][] = [
  [/deepseek\.com/, 'deepseek'],
  [/openrouter\.ai/, 'openrouter'],
  [/groq\.com/, 'groq'],
];

/**
 * claude-code-router's `config.json`: `Providers` with the endpoint URL it posts to (`api_base_url`
 * names the endpoint, not the base), keys as `$VAR` references (claude-code-router reads them from
 * its environment), and `Router`: `default` the middle tier (sonnet), `background` the small one.
 */
export function toCcr(source: ExportSource): Exported {
  const notes: string[] = [];
  const providers = source.providers.flatMap((p) => {
    const entry = provider(p);
    if (!entry)
      notes.push(
        `${p.name}: a ${p.kind ?? 'custom'} provider has no claude-code-router form; left out`,
      );
    else if (p.models.length === 0)
      notes.push(`${p.name}: lists no model; add its models in claude-code-router`);
    return entry ? [entry] : [];
  });
  const { big, middle, small } = source.tiers;
  const main = middle ?? big;
  const router: Record<string, string> = {
    ...(main && { default: main }),
    ...(small && { background: small }),
  };
  if (big && big !== main)
    notes.push(
      `opus → big (${big}) has no slot: claude-code-router's Router.default (${main}) serves opus too`,
    );
  const keys = [...new Set(source.providers.flatMap((p) => (p.keyEnv ? [p.keyEnv] : [])))];
  if (keys.length)
    notes.push(`keys are $VAR references: set ${keys.join(', ')} where claude-code-router runs`);
  const config = { LOG: false, Providers: providers, Router: router };
  return { text: `${JSON.stringify(config, null, 2)}\n`, notes };
}

function provider(p: ExportedProvider) {
  if (!p.baseUrl) return null;
  const shape = endpoint(p.kind, p.baseUrl);
  if (!shape) return null;
  return {
    name: p.name,
    api_base_url: shape.url,
    ...(p.keyEnv && { api_key: `$${p.keyEnv}` }),
    models: p.models,
    ...(shape.use.length > 0 && { transformer: { use: shape.use } }),
  };
}

/** The URL claude-code-router posts to and the transformers that speak the provider's wire. */
function endpoint(kind: string | null, baseUrl: string): { url: string; use: string[] } | null {
  switch (kind) {
    case 'openai': {
      const vendor = VENDOR_TRANSFORMERS.find(([host]) => host.test(baseUrl));
      return { url: `${baseUrl}/chat/completions`, use: vendor ? [vendor[1]] : [] };
    }
    case 'anthropic':
      return { url: `${baseUrl}/v1/messages`, use: ['Anthropic'] };
    case 'gemini':
      return { url: `${baseUrl}/v1beta/models/`, use: ['gemini'] };
    case 'ollama': // its OpenAI-compatible endpoint, on the same server
      return { url: `${baseUrl}/v1/chat/completions`, use: [] };
    default:
      return null;
  }
}
