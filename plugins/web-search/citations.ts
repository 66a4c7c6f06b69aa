import type { StreamEvent } from '../../core/index.ts';
import { citationOf } from './blocks.ts';
import type { SearchHit } from './backends/types.ts';

/** `[1]`, `[1, 2]` with the spaces before it (removed with the marker). */
const MARKER = /\s*\[(\d+(?:\s*,\s*\d+)*)\]/g;
/** An end that may be the start of a marker cut by the delta boundary: held for the next delta. */
const OPEN_END = /\s*(?:\[[\d,\s]*)?$/;
/** A held end longer than this is plain text, not a marker. */
const MAX_HELD = 24;

/**
 * Turns the model's `[n]` source markers in one text block into Anthropic citations: each marker
 * naming a known result becomes a `citations_delta` (`web_search_result_location`) at that point
 * and leaves the text. Markers split across deltas are held back by at most a few characters;
 * unknown numbers stay as text.
 */
export class CitationMarkers {
  private held = '';
  private readonly sources: readonly SearchHit[];
  private readonly index: number;

  /** `sources[n - 1]` is result `n`; the array may grow while the block is open. */
  constructor(sources: readonly SearchHit[], index: number) {
    this.sources = sources;
    this.index = index;
  }

  /** One text delta in; the text and citation deltas it implies pushed onto `out`. */
  push(text: string, out: StreamEvent[]): void {
    const all = this.held + text;
    const cut = all.length - OPEN_END.exec(all)![0].length;
    const keep = all.length - cut <= MAX_HELD ? cut : all.length;
    this.held = all.slice(keep);
    this.emit(all.slice(0, keep), out);
  }

  /** The block ends: whatever was held back is text. */
  flush(out: StreamEvent[]): void {
    this.emit(this.held, out);
    this.held = '';
  }

  private emit(text: string, out: StreamEvent[]): void {
    let from = 0;
    for (const match of text.matchAll(MARKER)) {
      const numbers = match[1]!.split(',').map((n) => Number(n.trim()));
      if (!numbers.every((n) => n >= 1 && n <= this.sources.length)) continue;
      this.text(text.slice(from, match.index), out);
      for (const n of new Set(numbers)) {
        out.push({
          type: 'content_block_delta',
          index: this.index,
          delta: { type: 'citations_delta', citation: citationOf(this.sources[n - 1]!, n) },
        });
      }
      from = match.index + match[0].length;
    }
    this.text(text.slice(from), out);
  }

  private text(text: string, out: StreamEvent[]): void {
    if (text)
      out.push({
        type: 'content_block_delta',
        index: this.index,
        delta: { type: 'text_delta', text },
      });
  }
}
