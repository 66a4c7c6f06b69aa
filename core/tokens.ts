import type { ContentBlock, CountTokensRequest } from './anthropic.ts';

// Claude-family tokenizers average about 3.5–4 characters per token on English and code; the
// estimate errs high so compaction triggers early rather than late.
const CHARS_PER_TOKEN = 3.5;
const IMAGE_TOKENS = 1600;
const MESSAGE_OVERHEAD = 4;

/**
 * A local token estimate of a request's prompt: system, messages and tools. Used when the
 * upstream reports no usage and for `count_tokens` on providers without a counter.
 */
export function estimateInputTokens(request: CountTokensRequest): number {
  let chars = 0;
  let extra = 0;
  const system = request.system;
  if (typeof system === 'string') chars += system.length;
  else if (system) for (const block of system) chars += block.text.length;
  for (const message of request.messages ?? []) {
    extra += MESSAGE_OVERHEAD;
    if (typeof message.content === 'string') chars += message.content.length;
    else for (const block of message.content) [chars, extra] = countBlock(block, chars, extra);
  }
  if (request.tools?.length) chars += JSON.stringify(request.tools).length;
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN) + extra);
}

function countBlock(block: ContentBlock, chars: number, extra: number): [number, number] {
  switch (block.type) {
    case 'text':
      return [chars + block.text.length, extra];
    case 'image':
      return [chars, extra + IMAGE_TOKENS];
    case 'thinking':
      return [chars + block.thinking.length, extra];
    case 'tool_use':
      return [chars + block.name.length + JSON.stringify(block.input ?? {}).length, extra];
    case 'tool_result': {
      if (typeof block.content === 'string') return [chars + block.content.length, extra];
      let [c, e] = [chars, extra];
      for (const inner of block.content ?? []) [c, e] = countBlock(inner, c, e);
      return [c, e];
    }
    default:
      return [chars + JSON.stringify(block).length, extra];
  }
}

/** Output tokens of generated text, when the upstream does not say. */
export const estimateTextTokens = (text: string): number =>
  Math.ceil(text.length / CHARS_PER_TOKEN);
