import type { ContentBlock, CountTokensRequest } from './anthropic.ts';

// Claude-family tokenizers average about 3.5–4 characters per token on English and code; the
// estimate errs high so compaction triggers early rather than late.
const CHARS_PER_TOKEN = 3.5;
const IMAGE_TOKENS = 1600;
const MESSAGE_OVERHEAD = 4;

/** Characters and fixed extras counted so far (one object per estimate, not a tuple per block). */
interface Tally {
  chars: number;
  extra: number;
}

// One request is estimated by several parts (adapter, router, boost): the first count is kept.
const counted = new WeakMap<object, number>();
// Claude Code sends the same tool list with every request; its size is counted once per list.
const toolChars = new Map<string, number>();
const TOOL_CACHE_SIZE = 64;

/**
 * A local token estimate of a request's prompt: system, messages and tools. Used when the
 * upstream reports no usage and for `count_tokens` on providers without a counter.
 */
export function estimateInputTokens(request: CountTokensRequest): number {
  const known = counted.get(request);
  if (known !== undefined) return known;
  const tally: Tally = { chars: 0, extra: 0 };
  const system = request.system;
  if (typeof system === 'string') tally.chars += system.length;
  else if (system) for (const block of system) tally.chars += block.text.length;
  for (const message of request.messages ?? []) {
    tally.extra += MESSAGE_OVERHEAD;
    if (typeof message.content === 'string') tally.chars += message.content.length;
    else for (const block of message.content) countBlock(block, tally);
  }
  if (request.tools?.length) tally.chars += countTools(request.tools);
  const tokens = Math.max(1, Math.ceil(tally.chars / CHARS_PER_TOKEN) + tally.extra);
  counted.set(request, tokens);
  return tokens;
}

/** The serialized size of a tool list, cached by the tools' names and description lengths. */
function countTools(tools: NonNullable<CountTokensRequest['tools']>): number {
  let key = '';
  for (const tool of tools) key += `${tool.name ?? tool.type}:${tool.description?.length ?? 0};`;
  let chars = toolChars.get(key);
  if (chars === undefined) {
    chars = JSON.stringify(tools).length;
    if (toolChars.size >= TOOL_CACHE_SIZE) toolChars.clear();
    toolChars.set(key, chars);
  }
  return chars;
}

function countBlock(block: ContentBlock, tally: Tally): void {
  switch (block.type) {
    case 'text':
      tally.chars += block.text.length;
      return;
    case 'image':
      tally.extra += IMAGE_TOKENS;
      return;
    case 'thinking':
      tally.chars += block.thinking.length;
      return;
    case 'tool_use':
      tally.chars += block.name.length + JSON.stringify(block.input ?? {}).length;
      return;
    case 'tool_result':
      if (typeof block.content === 'string') tally.chars += block.content.length;
      else for (const inner of block.content ?? []) countBlock(inner, tally);
      return;
    default:
      tally.chars += JSON.stringify(block).length;
  }
}

/** Output tokens of generated text, when the upstream does not say. */
export const estimateTextTokens = (text: string): number =>
  Math.ceil(text.length / CHARS_PER_TOKEN);
