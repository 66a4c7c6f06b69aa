import type { ProviderSpec } from './config-writer.ts';

/** A provider `init` knows: its factory, address, key variable and default models per tier. */
export interface Preset extends Omit<ProviderSpec, 'name'> {
  tiers: { big: string; middle: string; small: string };
}

/** The providers `init --provider` offers, by name. */
export const PRESETS: Record<string, Preset> = {
  openai: {
    factory: 'openai',
    apiKeyEnv: 'OPENAI_API_KEY',
    tiers: { big: 'gpt-4o', middle: 'gpt-4o', small: 'gpt-4o-mini' },
  },
  anthropic: {
    factory: 'anthropic',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    tiers: { big: 'claude-opus-4-6', middle: 'claude-sonnet-4-6', small: 'claude-haiku-4-5' },
  },
  gemini: {
    factory: 'gemini',
    apiKeyEnv: 'GEMINI_API_KEY',
    tiers: { big: 'gemini-2.5-pro', middle: 'gemini-2.5-pro', small: 'gemini-2.5-flash' },
  },
  openrouter: {
    factory: 'openai',
    baseUrl: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    tiers: { big: 'openai/gpt-4o', middle: 'openai/gpt-4o', small: 'openai/gpt-4o-mini' },
  },
  deepseek: {
    factory: 'openai',
    baseUrl: 'https://api.deepseek.com/v1',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    tiers: { big: 'deepseek-reasoner', middle: 'deepseek-chat', small: 'deepseek-chat' },
  },
  groq: {
    factory: 'openai',
    baseUrl: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    tiers: {
      big: 'llama-3.3-70b-versatile',
      middle: 'llama-3.3-70b-versatile',
      small: 'llama-3.1-8b-instant',
    },
  },
  ollama: {
    factory: 'openai',
    baseUrl: 'http://localhost:11434/v1',
    tiers: { big: 'qwen2.5-coder:32b', middle: 'qwen2.5-coder:32b', small: 'qwen2.5-coder:7b' },
  },
};

/** The presets whose key is set in `env`, first, then the others: what `init` offers. */
export function presetsByEnv(env: NodeJS.ProcessEnv): string[] {
  const names = Object.keys(PRESETS);
  const found = names.filter((name) => {
    const variable = PRESETS[name]!.apiKeyEnv;
    return variable !== undefined && Boolean(env[variable]);
  });
  return [...found, ...names.filter((name) => !found.includes(name))];
}
