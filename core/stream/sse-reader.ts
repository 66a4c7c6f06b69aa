import { ProxyError } from '../errors.ts';
import { Utf8Stream } from './utf8.ts';

/**
 * The longest line, and the longest event's data, the parser holds (in characters): an upstream
 * that never sends a line end would otherwise grow one string until V8 gives up.
 */
export const SSE_EVENT_LIMIT = 16 * 1024 * 1024;

/** One server-sent event: its `event:` name (`''` when absent) and its joined `data:` lines. */
export interface SseMessage {
  event: string;
  data: string;
}

/**
 * An incremental SSE parser (WHATWG grammar): `\n`, `\r\n` and `\r` line ends, `:` comments,
 * `data:` with or without the space, multi-line data, and chunks split anywhere — including
 * between `\r` and `\n`. Scans only new text, with `indexOf` (a line-break regexp cost about a
 * third of the parser); a partial line waits in `rest`.
 */
export class SseParser {
  private rest = '';
  private skipNewline = false;
  private event = '';
  private data: string | null = null;
  private decoder: Utf8Stream | null = null;
  private readonly label: string;

  /** `label` names the provider in the error an oversized line or event fails with. */
  constructor(label = 'upstream') {
    this.label = label;
  }

  /** Feeds raw UTF-8 bytes; a character split between two chunks is decoded once whole. */
  feedBytes(bytes: Uint8Array, out: SseMessage[]): void {
    this.feed((this.decoder ??= new Utf8Stream()).write(bytes), out);
  }

  /** Feeds decoded text; complete events are pushed onto `out`. */
  feed(text: string, out: SseMessage[]): void {
    let start = 0;
    // A chunk that ended in `\r` may have been the first half of `\r\n`: this `\n` is no line.
    if (this.skipNewline && text.charCodeAt(0) === 10) start = 1;
    this.skipNewline = false;
    const first = start;
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (lf !== -1 || cr !== -1) {
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      let next = end + 1;
      if (end === cr) {
        if (next === text.length) this.skipNewline = true;
        else if (text.charCodeAt(next) === 10) next++;
      }
      const line =
        start === first && this.rest ? this.rest + text.slice(first, end) : text.slice(start, end);
      if (start === first) this.rest = '';
      start = next;
      // Each break is searched for once: a position behind `start` is looked up again, past it.
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      this.line(line, out);
    }
    if (start < text.length)
      this.rest = start === first ? this.rest + text.slice(first) : text.slice(start);
    if (this.rest.length > SSE_EVENT_LIMIT) this.tooLarge();
  }

  private tooLarge(): never {
    this.rest = '';
    this.data = null;
    throw new ProxyError(
      'api_error',
      502,
      `${this.label}: the upstream sent an event over ${SSE_EVENT_LIMIT / 1024 / 1024} MB`,
    );
  }

  /** At end of input: an event without its closing blank line still counts (Gemini ends so). */
  end(out: SseMessage[]): void {
    const tail = this.decoder?.end() ?? '';
    if (tail) this.feed(tail, out);
    if (this.rest) this.line(this.rest, out);
    this.rest = '';
    this.line('', out);
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.data !== null) out.push({ event: this.event, data: this.data });
      this.event = '';
      this.data = null;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.data = this.data === null ? value : `${this.data}\n${value}`;
      if (this.data.length > SSE_EVENT_LIMIT) this.tooLarge();
    } else if (field === 'event') this.event = value;
  }
}

/** Reads an upstream body as server-sent events. */
export async function* readSse(
  body: AsyncIterable<Uint8Array | string>,
  label?: string,
): AsyncGenerator<SseMessage> {
  const parser = new SseParser(label);
  const out: SseMessage[] = [];
  for await (const chunk of body) {
    if (typeof chunk === 'string') parser.feed(chunk, out);
    else parser.feedBytes(chunk, out);
    for (const message of out) yield message;
    out.length = 0;
  }
  parser.end(out);
  yield* out;
}
