import { ProxyError } from '../errors.ts';

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

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * An incremental SSE parser (WHATWG grammar): `\n`, `\r\n` and `\r` line ends, `:` comments,
 * `data:` with or without the space, multi-line data, and chunks split anywhere — including
 * between `\r` and `\n`. Scans only new text; a partial line waits in `rest`.
 */
export class SseParser {
  private rest = '';
  private skipNewline = false;
  private event = '';
  private data: string | null = null;
  private decoder: TextDecoder | null = null;
  private readonly label: string;

  /** `label` names the provider in the error an oversized line or event fails with. */
  constructor(label = 'upstream') {
    this.label = label;
  }

  /** Feeds raw UTF-8 bytes; a character split between two chunks is decoded once whole. */
  feedBytes(bytes: Uint8Array, out: SseMessage[]): void {
    this.feed((this.decoder ??= new TextDecoder()).decode(bytes, { stream: true }), out);
  }

  /** Feeds decoded text; complete events are pushed onto `out`. */
  feed(text: string, out: SseMessage[]): void {
    if (this.skipNewline && text.startsWith('\n')) text = text.slice(1);
    this.skipNewline = false;
    LINE_BREAK.lastIndex = 0;
    let start = 0;
    let match: RegExpExecArray | null;
    while ((match = LINE_BREAK.exec(text)) !== null) {
      const line =
        start === 0 && this.rest
          ? this.rest + text.slice(0, match.index)
          : text.slice(start, match.index);
      if (start === 0) this.rest = '';
      start = LINE_BREAK.lastIndex;
      // A chunk ending in `\r` may be the first half of `\r\n`: the next chunk's `\n` is not a line.
      if (match[0] === '\r' && start === text.length) this.skipNewline = true;
      this.line(line, out);
    }
    if (start < text.length) this.rest = start === 0 ? this.rest + text : text.slice(start);
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
    const tail = this.decoder?.decode() ?? '';
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
