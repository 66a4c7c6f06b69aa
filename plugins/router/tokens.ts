import type { ContentBlock, CountTokensRequest } from '../../core/index.ts';

type Counter = (text: string) => number;

/** An image costs what Anthropic bills a ~1.2 megapixel picture; the tokenizer cannot see it. */
const IMAGE_TOKENS = 1600;
/** Counts of texts seen recently: Claude Code resends the same system prompt, tools and history. */
const CACHE_SIZE = 1024;
/**
 * How far the estimate may stray from the o200k count before the rule decides on it alone. On
 * prose, code, JSON, CJK, emoji, digits, hex and random base64 the count is 0.7 to 2.8 times the
 * estimate: a prompt whose estimate is below a third of the threshold, or at least twice it, is
 * decided without the tokenizer (whose tables cost about 66 MB once loaded). Only text made mostly
 * of long runs of spaces counts far lower; it may be sent to the long-context model early.
 */
const BELOW = 3;
const ABOVE = 2;

/** A prompt's size as the long-context rule sees it. */
export interface PromptSize {
  tokens: number;
  /** `false`: an estimate far enough from the threshold to decide on; `true`: the o200k count. */
  exact: boolean;
}

/**
 * Measures a prompt (system, messages, tools) against a threshold. An estimate (ASCII characters
 * / 4, one token per other character) decides prompts far from it; near it, the o200k tokenizer
 * counts exactly. The encoder loads on the first such prompt (about 0.2 s); counts of repeated
 * texts come from a small LRU cache, so a turn costs only its new text (near 1,000 tokens per ms).
 */
export class PromptTokens {
  private counter: Counter | undefined;
  private readonly cache = new Map<string, number>();

  /**
   * The prompt's size, exact when its estimate is within a margin of `threshold`. Synchronous
   * unless the tokenizer has to load first: the router's rules stay synchronous when they can.
   */
  measure(request: CountTokensRequest, threshold: number): PromptSize | Promise<PromptSize> {
    const texts: string[] = [];
    const images = collectPrompt(request, texts) * IMAGE_TOKENS;
    let ascii = 0;
    let other = 0;
    for (const text of texts) {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code < 0x80) ascii++;
        // A surrogate pair is one character: counted at its high half.
        else if (code < 0xdc00 || code > 0xdfff) other++;
      }
    }
    const estimate = Math.ceil(ascii / 4) + other + images;
    if (estimate * BELOW < threshold || estimate >= threshold * ABOVE)
      return { tokens: estimate, exact: false };
    if (this.counter) return this.exact(texts, images);
    return import('gpt-tokenizer').then(({ countTokens }) => {
      this.counter = countTokens;
      return this.exact(texts, images);
    });
  }

  private exact(texts: readonly string[], images: number): PromptSize {
    let tokens = images;
    for (const text of texts) tokens += this.cached(text);
    return { tokens, exact: true };
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

/** Pushes the prompt's countable texts; returns how many images it holds. */
function collectPrompt(request: CountTokensRequest, texts: string[]): number {
  let images = 0;
  const system = request.system;
  if (typeof system === 'string') texts.push(system);
  else for (const block of system ?? []) texts.push(block.text);
  for (const message of request.messages ?? []) {
    if (typeof message.content === 'string') texts.push(message.content);
    else for (const block of message.content) images += collect(block, texts);
  }
  if (request.tools?.length) texts.push(JSON.stringify(request.tools));
  return images;
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
