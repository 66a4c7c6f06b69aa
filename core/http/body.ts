import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ProxyError } from '../errors.ts';
import { decodeUtf8 } from './utf8.ts';

/** Anthropic accepts bodies up to 32 MB (PROTOCOL §1.1); so does ccproxy, counted decoded. */
export const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/** Claude Code's telemetry batches are a few kilobytes; the route that drops them takes no more. */
export const TELEMETRY_LIMIT_BYTES = 1024 * 1024;

/** A JSON body as received (kept for a byte-exact passthrough, F1) and the value parsed from it. */
export interface JsonBody {
  text: string;
  value: unknown;
}

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** True for an `application/json` body (any parameters), whatever its content encoding. */
export function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (!type) return false;
  const end = type.indexOf(';');
  return (end < 0 ? type : type.slice(0, end)).trim().toLowerCase() === 'application/json';
}

/** True for `application/json` sent without a content encoding. */
export function isPlainJson(req: IncomingMessage): boolean {
  return !req.headers['content-encoding'] && isJson(req);
}

/**
 * A body that could not be decoded or read, as the client's mistake: the one wording for every
 * decoding failure (gzip, deflate and br here, and in the parser of other content types).
 */
export function bodyDecodingError(error: unknown, encoding = 'request'): ProxyError {
  const detail = error instanceof Error ? error.message : String(error);
  return new ProxyError(
    'invalid_request_error',
    400,
    `Invalid request body: the ${encoding} body could not be read (${detail})`,
    { cause: error },
  );
}

/** True for an error a zlib or brotli decoder raised on data not in its format. */
export function isDecodingError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR'));
}

/**
 * Reads and parses a JSON body, decoding `gzip`, `deflate` and `br`. Plain `JSON.parse`: a
 * `__proto__`-scanning parser costs a tenth of a request, and ccproxy never merges client data
 * into objects unguarded (overrides skips such keys). Listeners rather than an async iterator: no
 * promise per chunk.
 */
export function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  return new Promise((resolve, reject) => {
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    let source: Readable = req;
    if (encoding && encoding !== 'identity') {
      const decoder = DECODERS[encoding]?.();
      if (!decoder) {
        req.resume();
        const message = `Invalid request body: unsupported Content-Encoding "${encoding}"`;
        return reject(new ProxyError('invalid_request_error', 400, message));
      }
      req.once('error', (error) => decoder.destroy(error)).pipe(decoder);
      source = decoder;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) return void chunks.push(chunk);
      source.off('data', onData).off('end', onEnd);
      if (source !== req) source.destroy();
      chunks.length = 0;
      reject(new ProxyError('request_too_large', 413, 'Request exceeds the maximum size of 32 MB'));
    };
    const onEnd = () => {
      const text = decodeUtf8(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      try {
        resolve({ text, value: text ? JSON.parse(text) : {} });
      } catch (error) {
        reject(
          new ProxyError(
            'invalid_request_error',
            400,
            `Invalid request body: ${(error as Error).message}`,
          ),
        );
      }
    };
    source
      .on('data', onData)
      .on('end', onEnd)
      .once('error', (error) => reject(bodyDecodingError(error, encoding)));
  });
}

/**
 * Reads a body to its end without keeping it (telemetry that is dropped): memory stays flat. Over
 * `limit` bytes it rejects with a 413, and the caller closes the connection.
 */
export function discardBody(req: IncomingMessage, limit: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const tooLarge = () =>
      new ProxyError(
        'request_too_large',
        413,
        `Request exceeds the maximum size of ${limit} bytes`,
      );
    if (Number(req.headers['content-length'] ?? 0) > limit) return reject(tooLarge());
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return;
      req.off('data', onData).off('end', resolve);
      reject(tooLarge());
    };
    req.on('data', onData).on('end', resolve).once('error', reject);
  });
}
