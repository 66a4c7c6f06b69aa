import type { ContentBlock, CountTokensRequest } from '../../core/index.ts';

type Counter = (text: string) => number;

/** An image costs what Anthropic bills a ~1.2 megapixel picture; the tokenizer cannot see it. */
const IMAGE_TOKENS = 1600;
/** Counts of texts seen recently: Claude Code resends the same system prompt, tools and history. */
const CACHE_SIZE = 1024;

/**
 * Counts a prompt (system, messages, tools) with the o200k tokenizer. The encoder loads once, on
 * the first call (about 0.2 s); counts of repeated texts come from a small LRU cache, so a turn
 * costs only its new text (the tokenizer runs near 1,000 tokens per millisecond).
 */
export class PromptTokens {
  private counter: Counter | undefined;
  private readonly cache = new Map<string, number>();

  /** Loads the encoder ahead of the first request. */
  async load(): Promise<void> {
    this.counter ??= (await import('gpt-tokenizer')).countTokens;
  }

  /** The prompt's tokens; a prompt whose UTF-8 size is below `atLeast` returns that size at once. */
  async count(request: CountTokensRequest, atLeast = 0): Promise<number> {
    const texts: string[] = [];
    let images = 0;
    const system = request.system;
    if (typeof system === 'string') texts.push(system);
    else for (const block of system ?? []) texts.push(block.text);
    for (const message of request.messages ?? []) {
      if (typeof message.content === 'string') texts.push(message.content);
      else for (const block of message.content) images += collect(block, texts);
    }
    if (request.tools?.length) texts.push(JSON.stringify(request.tools));
    // A token is at least one UTF-8 byte: a prompt smaller in bytes cannot reach the threshold.
    let bytes = 0;
    for (const text of texts) bytes += Buffer.byteLength(text);
    if (bytes + images * IMAGE_TOKENS < atLeast) return bytes + images * IMAGE_TOKENS;
    await this.load();
    let tokens = images * IMAGE_TOKENS;
    for (const text of texts) tokens += this.cached(text);
    return tokens;
  }

  private cached(text: string): number {
    let n = this.cache.get(text);
    if (n !== undefined) {
      this.cache.delete(text); // re-inserted below: Map order is the LRU order
    } else {
      n = this.counter!(text);
    }
    this.cache.set(text, n);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return n;
  }
}

/** Pushes a block's countable text; returns how many images it holds. */
function collect(block: ContentBlock, texts: string[]): number {
  switch (block.type) {
    case 'text':
      texts.push(block.text);
      return 0;
    case 'image':
      return 1;
    case 'thinking':
      texts.push(block.thinking);
      return 0;
    case 'tool_use':
      texts.push(block.name, JSON.stringify(block.input ?? {}));
      return 0;
    case 'tool_result': {
      if (typeof block.content === 'string') {
        texts.push(block.content);
        return 0;
      }
      let images = 0;
      for (const inner of block.content ?? []) images += collect(inner, texts);
      return images;
    }
    default:
      texts.push(JSON.stringify(block));
      return 0;
  }
}
