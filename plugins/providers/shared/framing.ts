import {
  ProxyError,
  SseParser,
  SSE_EVENT_LIMIT,
  Utf8Stream,
  type SseMessage,
} from '../../../core/index.ts';

/** Cuts a streamed upstream body into the chunks an adapter converts, bytes as they arrive. */
export interface Decoder<Chunk> {
  /** Feeds raw bytes; complete chunks are pushed onto `out`. */
  feedBytes(bytes: Uint8Array, out: Chunk[]): void;
  /** At end of input: a last chunk without its terminator still counts. */
  end(out: Chunk[]): void;
}

/** How an upstream frames its stream: the `accept` it is asked with, and the decoder of one body. */
export interface Framing<Chunk> {
  accept: string;
  decoder(provider: string): Decoder<Chunk>;
}

/** Server-sent events as they are (`event:` name and raw data): the adapter parses the data. */
export const sseMessages: Framing<SseMessage> = {
  accept: 'text/event-stream',
  decoder: (provider) => new SseParser(provider),
};

/**
 * Server-sent events whose data is JSON (Gemini, Responses, Anthropic): each payload parsed, the
 * `[DONE]` marker and empty data skipped, invalid JSON an error.
 */
export const sseJson: Framing<unknown> = {
  accept: 'text/event-stream',
  decoder(provider) {
    const parser = new SseParser(provider);
    const messages: SseMessage[] = [];
    const parse = (out: unknown[]) => {
      for (const { data } of messages)
        if (data !== '[DONE]' && data !== '') out.push(parseJson(data, provider));
      messages.length = 0;
    };
    return {
      feedBytes(bytes, out) {
        parser.feedBytes(bytes, messages);
        parse(out);
      },
      end(out) {
        parser.end(messages);
        parse(out);
      },
    };
  },
};

/** Newline-delimited JSON (Ollama): one JSON document per line, blank lines skipped. */
export const ndjson: Framing<unknown> = {
  accept: 'application/x-ndjson',
  decoder: (provider) => new NdjsonDecoder(provider),
};

class NdjsonDecoder implements Decoder<unknown> {
  private rest = '';
  private readonly text = new Utf8Stream();
  private readonly provider: string;

  constructor(provider: string) {
    this.provider = provider;
  }

  feedBytes(bytes: Uint8Array, out: unknown[]): void {
    const text = this.rest + this.text.write(bytes);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.line(text.slice(start, end), out);
      start = end + 1;
    }
    this.rest = text.slice(start);
    // A line that never ends would otherwise grow one string until V8 gives up.
    if (this.rest.length > SSE_EVENT_LIMIT) {
      throw new ProxyError('api_error', 502, `${this.provider}: the upstream sent a line too long`);
    }
  }

  end(out: unknown[]): void {
    this.line(this.rest + this.text.end(), out);
    this.rest = '';
  }

  private line(line: string, out: unknown[]): void {
    if (line.trim() !== '') out.push(parseJson(line, this.provider));
  }
}

/** An upstream JSON document; text that is not JSON fails the answer as a bad gateway. */
export function parseJson(text: string, provider: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProxyError(
      'api_error',
      502,
      `${provider}: the upstream sent invalid JSON: ${text.slice(0, 200)}`,
    );
  }
}
