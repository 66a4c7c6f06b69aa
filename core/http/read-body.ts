import type Koa from 'koa';
import { isJson, readJsonBody } from './body.ts';

// koa-body (and the form and multipart parsers it brings) loads on the first body that needs it:
// its import costs a tenth of a second of start-up, and Claude Code never sends such a body.
let parser: Promise<Koa.Middleware> | undefined;
const loadParser = async (): Promise<Koa.Middleware> =>
  (await import('koa-body')).koaBody({
    jsonLimit: '32mb',
    textLimit: '32mb',
    formLimit: '1mb',
    encoding: 'utf-8',
    patchKoa: true,
    includeUnparsed: true,
  });

/**
 * Reads a route's body into `http.request.body` (JSON, compressed or not; text and forms through
 * koa-body) and its text into `http.request.rawBody`. Routes list it after their guard, so that a
 * request refused on its headers never has its body buffered (DESIGN §8.4: an unauthenticated
 * 32 MB body to an admin route costs nothing).
 */
export const readBody: Koa.Middleware = async (http, next) => {
  if (http.method === 'POST' && isJson(http.req)) {
    const body = await readJsonBody(http.req);
    http.request.body = body.value as typeof http.request.body;
    http.request.rawBody = body.text;
    await next();
    return;
  }
  await (
    await (parser ??= loadParser())
  )(http, next);
};
