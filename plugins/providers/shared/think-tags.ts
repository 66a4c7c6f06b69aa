const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Splits answer text that opens with `<think>…</think>` into reasoning and text: what models
 * served without a reasoning parser (Ollama templates, vLLM or LM Studio without
 * `--reasoning-parser`, DeepSeek-R1 distills) put in `content`. Tags split across chunks are
 * held back until they can be told apart from text. Only a leading block counts: a `<think>`
 * later in an answer is text.
 */
export class ThinkTagSplitter {
  private mode: 'start' | 'think' | 'after' | 'text' = 'start';
  private pending = '';

  /** True once the answer is known to be plain text from here on: `split` is then the identity. */
  get passthrough(): boolean {
    return this.mode === 'text';
  }

  /** One content piece in; the reasoning and the text it holds, reasoning first. */
  split(content: string): [reasoning: string, text: string] {
    switch (this.mode) {
      case 'text':
        return ['', content];
      case 'after':
        return ['', this.afterThinking(content)];
      case 'start':
        return this.start(content);
      case 'think':
        return this.think(this.pending + content);
    }
  }

  /** The end of the answer: whatever was held back, as what it most likely is. */
  end(): [reasoning: string, text: string] {
    const rest = this.pending;
    this.pending = '';
    if (this.mode === 'think') return [rest, ''];
    // Still undecided: blanks or part of `<think>`; blanks alone are no answer.
    return ['', this.mode === 'start' && !rest.trim() ? '' : rest];
  }

  private start(content: string): [string, string] {
    this.pending += content;
    const head = this.pending.trimStart();
    if (head.length < OPEN.length && OPEN.startsWith(head)) return ['', ''];
    if (!head.startsWith(OPEN)) {
      this.mode = 'text';
      return this.end();
    }
    this.mode = 'think';
    this.pending = '';
    return this.think(head.slice(OPEN.length).trimStart());
  }

  private think(buffer: string): [string, string] {
    const close = buffer.indexOf(CLOSE);
    if (close !== -1) {
      this.pending = '';
      this.mode = 'after';
      return [buffer.slice(0, close), this.afterThinking(buffer.slice(close + CLOSE.length))];
    }
    const keep = partialSuffix(buffer, CLOSE);
    this.pending = buffer.slice(buffer.length - keep);
    return [buffer.slice(0, buffer.length - keep), ''];
  }

  /** The blank lines models put after `</think>` are not part of the answer. */
  private afterThinking(text: string): string {
    const trimmed = text.trimStart();
    if (trimmed) this.mode = 'text';
    return trimmed;
  }
}

/** The length of the longest end of `text` that begins `tag` (a tag cut by a chunk boundary). */
function partialSuffix(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
