import type {
  ClientInfo,
  ContentBlock,
  MessageParam,
  MessagesRequest,
  ReceivedBody,
} from '../../../core/index.ts';
import { isMintedSignature } from '../shared/signature.ts';
import { clientToolId } from '../shared/tool-ids.ts';

/**
 * The body for Anthropic (PROTOCOL F1, F5, F6): the client's bytes with only the model changed
 * when nothing else must change; otherwise the request re-serialised with thinking blocks minted
 * by another provider removed and invalid tool ids rewritten. Unknown fields survive both ways.
 */
export function anthropicBody(
  request: MessagesRequest,
  model: string,
  received: ReceivedBody | null,
): string {
  const messages = needsRepair(request.messages) ? repairMessages(request.messages) : null;
  if (!messages && received?.request === request) {
    const spliced = withModel(received.text, request.model, model);
    if (spliced !== null) return spliced;
  }
  return JSON.stringify({ ...request, model, ...(messages && { messages }) });
}

function needsRepair(messages: readonly MessageParam[]): boolean {
  for (const message of messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) if (badBlock(block)) return true;
  }
  return false;
}

function badBlock(block: ContentBlock): boolean {
  switch (block.type) {
    case 'thinking':
      return !block.signature || isMintedSignature(block.signature);
    case 'tool_use':
      return clientToolId(block.id) !== block.id;
    case 'tool_result':
      return clientToolId(block.tool_use_id) !== block.tool_use_id;
    default:
      return false;
  }
}

/**
 * Thinking Anthropic did not sign (another provider's, minted by ccproxy, or unsigned) is removed;
 * Anthropic would reject its signature. An assistant turn left empty is dropped with it.
 */
function repairMessages(messages: readonly MessageParam[]): MessageParam[] {
  const repaired: MessageParam[] = [];
  for (const message of messages) {
    if (typeof message.content === 'string') {
      repaired.push(message);
      continue;
    }
    const content: ContentBlock[] = [];
    for (const block of message.content) {
      if (block.type === 'thinking' && badBlock(block)) continue;
      if (block.type === 'tool_use') content.push({ ...block, id: clientToolId(block.id) });
      else if (block.type === 'tool_result')
        content.push({ ...block, tool_use_id: clientToolId(block.tool_use_id) });
      else content.push(block);
    }
    if (content.length > 0 || message.role !== 'assistant') repaired.push({ ...message, content });
  }
  return repaired;
}

/**
 * `text` with its top-level `"model"` value replaced, every other byte kept; null when the key
 * cannot be found as written (an escaped key), so the caller re-serialises instead. Scans only up
 * to the key, which clients write first.
 */
export function withModel(text: string, from: string, to: string): string | null {
  if (from === to) return text;
  const span = topLevelValue(text, 'model');
  if (!span) return null;
  return text.slice(0, span[0]) + JSON.stringify(to) + text.slice(span[1]);
}

/** The [start, end) of a top-level key's string value in a JSON object text, or null. */
function topLevelValue(text: string, key: string): [number, number] | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && text.slice(i + 1, end - 1) === key) {
        const value = afterColon(text, end);
        return value !== -1 && text[value] === '"' ? [value, stringEnd(text, value)] : null;
      }
      i = end - 1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return null;
}

/** The index just past the string starting at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/** The index of the first value character after `key":`, or -1 when this string was not a key. */
function afterColon(text: string, from: number): number {
  let i = from;
  while (/\s/.test(text[i] ?? '')) i++;
  if (text[i] !== ':') return -1;
  i++;
  while (/\s/.test(text[i] ?? '')) i++;
  return i;
}

/**
 * The client headers Anthropic's API reads: its own `anthropic-*` (version, betas, values not
 * filtered: F2), the SDK's and Claude Code's identification. Nothing else crosses: not a cookie,
 * not `x-forwarded-for`, not a reverse proxy's headers.
 */
const FORWARDED = /^(anthropic-|x-stainless-|x-claude-code-)|^(user-agent|accept|x-app)$/;
const CREDENTIALS = ['x-api-key', 'authorization'] as const;

/**
 * Headers for Anthropic (F2, F7): the client's allowed ones (`FORWARDED`); with a configured key
 * the client's credential is replaced by it, else forwarded (pass-through mode) unless it is the
 * client key auth verified, which is ccproxy's own and never leaves. Headers set by plugins
 * (`ctx.upstream.headers`) win.
 */
export function anthropicHeaders(
  client: Pick<ClientInfo, 'headers' | 'key' | 'access'>,
  extra: Readonly<Record<string, string>>,
  apiKey: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(client.headers)) {
    if (value !== undefined && FORWARDED.test(name))
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (apiKey === undefined) {
    for (const name of CREDENTIALS) {
      const value = client.headers[name];
      if (typeof value === 'string' && !consumed(client, value)) headers[name] = value;
    }
  }
  headers['content-type'] = 'application/json';
  headers['anthropic-version'] ??= '2023-06-01';
  if (apiKey !== undefined) headers['x-api-key'] = apiKey;
  return Object.assign(headers, extra);
}

/** True when `value` (`x-api-key` or `Authorization`) carries the key auth verified. */
function consumed(client: Pick<ClientInfo, 'key' | 'access'>, value: string): boolean {
  return (
    client.access === 'key' &&
    client.key !== undefined &&
    value.replace(/^bearer\s+/i, '').trim() === client.key
  );
}
