import { StringDecoder } from 'node:string_decoder';

/**
 * UTF-8 bytes arriving in chunks → text, a character split between two chunks decoded once whole,
 * a leading byte order mark dropped (as `TextDecoder` and the SSE grammar do). Node's
 * `StringDecoder`, not `TextDecoder` with `stream: true`: about 2.5× faster on an upstream's small
 * chunks (0.12 against 0.32 µs for 200 bytes).
 */
export class Utf8Stream {
  private readonly decoder = new StringDecoder('utf8');
  private first = true;

  /** The text of `bytes`, less a character they end inside of (kept for the next call). */
  write(bytes: Uint8Array): string {
    const text = this.decoder.write(bytes);
    if (!this.first || text === '') return text;
    this.first = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** At end of input: what a character cut short leaves (U+FFFD), else `''`. */
  end(): string {
    return this.decoder.end();
  }
}
