import {
  type ProxyError,
  callUpstream,
  transportError,
  type ProxyContext,
  type UpstreamCall,
  type UpstreamResponse,
} from '../../../core/index.ts';
import { bodyJson } from './body-json.ts';
import { parseJson, sseJson } from './framing.ts';

/** Turns an upstream error response (status, body text, headers) into the client's error. */
export type ErrorMapper = (
  status: number,
  text: string,
  headers: UpstreamResponse['headers'],
) => ProxyError;

/**
 * One upstream call that succeeds or throws the mapped error: a non-2xx answer is read whole and
 * handed to `toError`, so the client gets the upstream's status and words before any output.
 */
export async function requestUpstream(
  call: UpstreamCall,
  provider: string,
  toError: ErrorMapper,
): Promise<UpstreamResponse> {
  const response = await callUpstream(call, provider);
  if (response.statusCode < 300) return response;
  throw toError(response.statusCode, await readText(response, provider), response.headers);
}

/** A JSON POST of a translated adapter: what differs between adapters. */
export interface JsonPost {
  provider: string;
  url: string;
  /** The adapter's credential header(s), before configured and plugin headers. */
  credential: Record<string, string>;
  /** The provider's configured `headers`. */
  headers?: Record<string, string>;
  /** The `accept` header, when the adapter asks for a framing (`text/event-stream`). */
  accept?: string;
  body: unknown;
  timeouts: UpstreamCall['timeouts'];
  toError: ErrorMapper;
}

/** POSTs a JSON body upstream for `ctx`: headers set by plugins win, the client's abort aborts it. */
export function postJson(ctx: ProxyContext, post: JsonPost): Promise<UpstreamResponse> {
  return requestUpstream(jsonCall(ctx, post), post.provider, post.toError);
}

/** The upstream call of a JSON POST: credential, then configured headers, then plugins' headers. */
export function jsonCall(ctx: ProxyContext, post: Omit<JsonPost, 'toError'>): UpstreamCall {
  const headers = {
    'content-type': 'application/json',
    ...(post.accept && { accept: post.accept }),
    ...post.credential,
    ...post.headers,
    ...ctx.upstream.headers,
  };
  return {
    url: post.url,
    headers,
    body: bodyJson(post.body),
    signal: ctx.abortSource,
    timeouts: post.timeouts,
  };
}

/** The body of a JSON answer, a transport failure mapped. */
export async function readJson(response: UpstreamResponse, provider: string): Promise<unknown> {
  return parseJson(await readText(response, provider), provider);
}

/** The body of an answer as text, a transport failure mapped. */
export async function readText(response: UpstreamResponse, provider: string): Promise<string> {
  try {
    return await response.body.text();
  } catch (error) {
    throw transportError(error, provider);
  }
}

/**
 * An upstream SSE body as parsed JSON payloads; a broken connection becomes a mapped error. The
 * body's chunks are decoded here, in one generator: one async step per event fewer.
 */
export async function* readSseJson(
  response: UpstreamResponse,
  provider: string,
): AsyncGenerator<{ data: unknown }> {
  const decoder = sseJson.decoder(provider);
  const payloads: unknown[] = [];
  const chunks = response.body[Symbol.asyncIterator]();
  for (let done = false; !done;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (error) {
      throw transportError(error, provider);
    }
    if (next.done) {
      decoder.end(payloads);
      done = true;
    } else decoder.feedBytes(next.value, payloads);
    for (const data of payloads) yield { data };
    payloads.length = 0;
  }
}

/** Parses a JSON error body; the raw text (trimmed) when it is not JSON. */
export function parseErrorBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.trim().slice(0, 2000);
  }
}

/** A header's first value. */
export const header = (headers: UpstreamResponse['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** A GET of one JSON document (a model list): an error status mapped as the provider maps it. */
export interface JsonGet {
  provider: string;
  url: string;
  /** The credential and the provider's configured headers. */
  headers: Record<string, string>;
  signal: AbortSignal;
  toError: ErrorMapper;
}

/** GETs a JSON document upstream; throws the mapped error for a non-2xx answer. */
export async function getJson(get: JsonGet): Promise<unknown> {
  const call = {
    url: get.url,
    method: 'GET' as const,
    headers: { accept: 'application/json', ...get.headers },
    signal: get.signal,
  };
  return readJson(await requestUpstream(call, get.provider, get.toError), get.provider);
}
