import type { ToolIdRule } from '../shared/tool-ids.ts';

/** The OpenAI-compatible servers with known quirks; `generic` is any other. */
export type Vendor =
  | 'openai'
  | 'azure'
  | 'deepseek'
  | 'openrouter'
  | 'groq'
  | 'ollama'
  | 'vllm'
  | 'mistral'
  | 'generic';

/** How a vendor is asked to reason (PROTOCOL §6.2). */
export type ReasoningStyle = 'effort' | 'openrouter' | 'deepseek' | 'none';

/**
 * One vendor's quirks, as data (STYLE 2.9): the adapter reads these fields and never tests a
 * vendor's name.
 */
export interface VendorProfile {
  /** Sends `stream_options.include_usage` on streamed requests (C15). */
  streamOptions: boolean;
  /** Credential header: `Authorization: Bearer` or Azure's `api-key`. */
  auth: 'bearer' | 'api-key';
  reasoning: ReasoningStyle;
  /** Models that take reasoning parameters; absent: every model. */
  reasoningModels?: RegExp;
  /**
   * Models that reject `max_tokens` and sampling parameters (OpenAI's reasoning models): they get
   * `max_completion_tokens` and no `temperature`/`top_p` (C16).
   */
  completionTokenModels?: RegExp;
  /** `reasoning_effort` values beyond `low|medium|high` the vendor accepts. */
  extraEfforts: readonly string[];
  /** Effort sent when the client turns thinking off (Ollama `none`); absent: nothing sent. */
  effortOff?: string;
  /** Past tool-call turns must carry `reasoning_content` back (DeepSeek, C19). */
  replayReasoning: boolean;
  /** A tool id rule the vendor enforces (Mistral, C22). */
  toolIds?: ToolIdRule;
  /** Asks for usage accounting in the final chunk (OpenRouter). */
  usageAccounting: boolean;
  /** Past assistant turns carry the `reasoning_details` their thinking blocks kept (OpenRouter). */
  reasoningDetails: boolean;
}

const OPENAI_REASONING = /(^|\/)(o\d|gpt-5|codex)/i;

const base: VendorProfile = {
  streamOptions: true,
  auth: 'bearer',
  reasoning: 'effort',
  extraEfforts: [],
  replayReasoning: false,
  usageAccounting: false,
  reasoningDetails: false,
};

/** Every vendor's profile. */
export const VENDORS: Readonly<Record<Vendor, VendorProfile>> = {
  openai: {
    ...base,
    reasoningModels: OPENAI_REASONING,
    completionTokenModels: OPENAI_REASONING,
    extraEfforts: ['minimal', 'xhigh'],
  },
  azure: {
    ...base,
    auth: 'api-key',
    reasoningModels: OPENAI_REASONING,
    completionTokenModels: OPENAI_REASONING,
    extraEfforts: ['minimal'],
  },
  deepseek: { ...base, reasoning: 'deepseek', replayReasoning: true },
  openrouter: { ...base, reasoning: 'openrouter', usageAccounting: true, reasoningDetails: true },
  groq: { ...base, reasoningModels: /gpt-oss|qwen3|qwq|deepseek-r1/i },
  ollama: { ...base, effortOff: 'none' },
  vllm: { ...base },
  // Mistral rejects unknown fields (422), sends usage in its last chunk unasked, and wants
  // 9-alphanumeric tool ids.
  mistral: {
    ...base,
    streamOptions: false,
    reasoning: 'none',
    toolIds: { pattern: /^[a-zA-Z0-9]{9}$/, length: 9 },
  },
  generic: { ...base },
};

const BY_HOST: readonly [RegExp, Vendor][] = [
  [
    /(^|\.)openai\.azure\.com$|(^|\.)cognitiveservices\.azure\.com$|(^|\.)services\.ai\.azure\.com$/,
    'azure',
  ],
  [/(^|\.)api\.openai\.com$/, 'openai'],
  [/(^|\.)deepseek\.com$/, 'deepseek'],
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
  [/(^|\.)groq\.com$/, 'groq'],
  [/(^|\.)mistral\.ai$/, 'mistral'],
];

/** The vendor a base URL points at: by host, Ollama by its default port; else `generic`. */
export function detectVendor(baseUrl: string): Vendor {
  const url = new URL(baseUrl);
  for (const [host, vendor] of BY_HOST) if (host.test(url.hostname)) return vendor;
  if (url.port === '11434') return 'ollama';
  return 'generic';
}
