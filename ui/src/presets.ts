/**
 * Ready-made overrides a provider form offers: headers a vendor asks for and body fields merged
 * into each request the provider serves (in Anthropic's shape, before ccproxy converts it to the
 * provider's own: `thinking` becomes OpenAI's `reasoning_effort`, OpenRouter's `reasoning`,
 * DeepSeek's thinking switch). Picking one adds its values to the form, to edit before saving.
 */
export interface OverridePreset {
  name: string;
  /** What it is for, shown under the picker. */
  about: string;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

export const PRESETS: readonly OverridePreset[] = [
  {
    name: 'OpenRouter: app attribution',
    about:
      'OpenRouter names your app in its rankings and activity from HTTP-Referer and X-Title: put your own URL and name.',
    headers: { 'HTTP-Referer': 'http://127.0.0.1:3456', 'X-Title': 'ccproxy' },
  },
  {
    name: 'Reasoning on (8,000-token budget)',
    about:
      "Asks every request to think, whatever the client sent; sent as the provider's own reasoning switch.",
    body: { thinking: { type: 'enabled', budget_tokens: 8000 } },
  },
  {
    name: 'Reasoning off',
    about: 'Drops thinking from every request: faster, cheaper answers from a reasoning model.',
    body: { thinking: null },
  },
  {
    name: 'DeepSeek: max_tokens 8192',
    about:
      'deepseek-chat refuses more than 8,192 output tokens, and Claude Code asks for 32,000: this caps every request.',
    body: { max_tokens: 8192 },
  },
  {
    name: 'vLLM without tool parsing: no tools',
    about:
      'A vLLM server started without --enable-auto-tool-choice refuses requests with tools: they are dropped.',
    body: { tools: null, tool_choice: null },
  },
  {
    name: 'Deterministic: temperature 0',
    about: 'The same answer for the same prompt, as far as the model allows.',
    body: { temperature: 0 },
  },
];

/** JSON typed in a textarea with `extra` merged over it (its keys win), pretty-printed again. */
export function mergeJson(text: string, extra: Record<string, unknown>, what: string): string {
  const current = parseObject(text, what) ?? {};
  return JSON.stringify({ ...current, ...extra }, null, 2);
}

/** A JSON object typed into a textarea; undefined when empty; throws saying what is wrong. */
export function parseObject(text: string, what: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** An object as the form shows it: pretty JSON, or nothing when it is empty. */
export const showJson = (value: Record<string, unknown> | null | undefined): string =>
  value && Object.keys(value).length ? JSON.stringify(value, null, 2) : '';
