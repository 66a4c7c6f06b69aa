import { stringify } from 'yaml';
import { modelOf, type ExportSource, type Exported, type ExportedProvider } from './source.ts';

/** CLIProxyAPI's section for each of ccproxy's wire formats. */
const SECTIONS: Record<string, string> = {
  openai: 'openai-compatibility',
  anthropic: 'claude-api-key',
  gemini: 'gemini-api-key',
  'openai-responses': 'codex-api-key',
  ollama: 'openai-compatibility',
};

/**
 * CLIProxyAPI's `config.yaml` provider sections: `openai-compatibility` (name, base-url,
 * api-key-entries, models), `claude-api-key`, `gemini-api-key` and `codex-api-key` (api-key,
 * base-url, models). CLIProxyAPI does not read its environment, so each key is a `${VAR}`
 * placeholder to fill in (`envsubst` does it); the tiers become a comment naming the Claude Code
 * variables that pick the same models, since CLIProxyAPI routes by model name.
 */
export function toCliProxyApi(source: ExportSource): Exported {
  const notes: string[] = [];
  const sections: Record<string, unknown[]> = {};
  for (const p of source.providers) {
    const section = p.kind ? SECTIONS[p.kind] : undefined;
    if (!section || !p.baseUrl) {
      notes.push(`${p.name}: a ${p.kind ?? 'custom'} provider has no CLIProxyAPI form; left out`);
      continue;
    }
    // Ollama's OpenAI-compatible endpoint is /v1 on the same server.
    const baseUrl = p.kind === 'ollama' ? `${p.baseUrl}/v1` : p.baseUrl;
    (sections[section] ??= []).push(entry({ ...p, baseUrl }, section));
  }
  const keys = [...new Set(source.providers.flatMap((p) => (p.keyEnv ? [p.keyEnv] : [])))];
  if (keys.length)
    notes.push(
      `keys are \${VAR} placeholders: fill in ${keys.join(', ')} (envsubst < file > config.yaml)`,
    );
  const header = [
    '# Provider sections for CLIProxyAPI config.yaml, written by ccproxy export cliproxyapi.',
    '# Keys are ${VAR} placeholders: CLIProxyAPI does not read them from the environment.',
    ...tierComment(source),
  ];
  return { text: `${header.join('\n')}\n${stringify(sections)}`, notes };
}

function entry(p: ExportedProvider, section: string) {
  const key = p.keyEnv ? `\${${p.keyEnv}}` : '';
  const models = p.models.map((name) => ({ name, alias: name }));
  return section === 'openai-compatibility'
    ? {
        name: p.name,
        'base-url': p.baseUrl,
        'api-key-entries': [{ 'api-key': key }],
        ...(models.length > 0 && { models }),
      }
    : { 'api-key': key, 'base-url': p.baseUrl, ...(models.length > 0 && { models }) };
}

/** The Claude Code variables that send each tier's model, as ccproxy's model map did. */
function tierComment(source: ExportSource): string[] {
  const { big, middle, small } = source.tiers;
  const lines = [
    big && `ANTHROPIC_DEFAULT_OPUS_MODEL=${modelOf(big)}`,
    middle && `ANTHROPIC_DEFAULT_SONNET_MODEL=${modelOf(middle)}`,
    small && `ANTHROPIC_DEFAULT_HAIKU_MODEL=${modelOf(small)}`,
  ].filter((line): line is string => Boolean(line));
  return lines.length
    ? ['# ccproxy tiers, for Claude Code in front of CLIProxyAPI:', ...lines.map((l) => `#   ${l}`)]
    : [];
}
