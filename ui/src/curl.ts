import type { RequestRow, StoredPrompt } from './types.ts';

/** `'…'` for a POSIX shell: a single quote becomes `'\''`. */
export const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * The request again as a curl command against this ccproxy, from the stored (redacted) body.
 * The client key is left as `$CCPROXY_API_KEY`. The request's own `max_tokens`, `temperature`…
 * are repeated; a request stored before they were kept gets `max_tokens: 1024`.
 */
export function curlCommand(origin: string, row: RequestRow, body: StoredPrompt): string {
  const payload: Record<string, unknown> = {
    model: row.requested_model,
    ...(body.params ?? { max_tokens: 1024 }),
  };
  if (body.system !== undefined) payload.system = body.system;
  if (body.tools !== undefined) payload.tools = body.tools;
  payload.messages = body.messages;
  if (row.stream) payload.stream = true;
  return [
    `curl ${shellQuote(`${origin}/v1/messages`)}`,
    `-H 'content-type: application/json'`,
    `-H 'anthropic-version: 2023-06-01'`,
    `-H "x-api-key: $CCPROXY_API_KEY"`,
    `-d ${shellQuote(JSON.stringify(payload))}`,
  ].join(' \\\n  ');
}
