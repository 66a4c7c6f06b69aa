import { user } from '../../helpers/proxy.ts';
import type { TestContext } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import {
  replyJson,
  replySse,
  scriptedUpstream,
  type ScriptedUpstream,
} from '../../helpers/upstream.ts';
import { router, type RouterOptions } from '../../../plugins/index.ts';
import { startTestProxy, type TestProxy } from '../../helpers/proxy.ts';
import { fakeProvider, textStream } from './fake-provider.ts';

/** An upstream answering every request with `text`, tagged with the model it was asked for. */
export const answering = (t: TestContext, text = 'ok'): Promise<ScriptedUpstream> =>
  scriptedUpstream(t, (req, res) => replySse(res, textStream(req.body.model, [text])));

/** An upstream answering every request with an Anthropic-style error. */
export const failing = (
  t: TestContext,
  status: number,
  headers: Record<string, string> = {},
): Promise<ScriptedUpstream> =>
  scriptedUpstream(t, (_req, res) =>
    replyJson(
      res,
      status,
      { type: 'error', error: { type: 'api_error', message: `status ${status}` } },
      headers,
    ),
  );

/** A short request through the SDK; `extra` adds or replaces body fields. */
export const ask = (client: Anthropic, model: string, extra: Record<string, unknown> = {}) =>
  client.messages.create({
    model,
    max_tokens: 16,
    messages: [user('hi')],
    ...extra,
  } as Anthropic.MessageCreateParamsNonStreaming);

/** The text of a Message. */
export const textOf = (message: Anthropic.Message): string =>
  message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

/** The request log lines (one per request) the proxy wrote. */
export const requestLines = (logs: Record<string, unknown>[]) =>
  logs.filter((line) => line.msg === 'request');

/** What the SDK threw: its HTTP status, the Anthropic error type and the headers. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ status: number; type: string; headers: Headers }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; error?: { error?: { type: string } }; headers: Headers };
    return { status: e.status, type: e.error?.error?.type ?? '', headers: e.headers };
  }
  throw new Error('expected the request to fail');
}

/** A proxy with provider `a` at `upstream` and a router whose default is `a,one`. */
export const withOne = (
  t: TestContext,
  upstream: { url: string },
  options: RouterOptions = {},
): Promise<TestProxy> =>
  startTestProxy(t, {
    plugins: [fakeProvider('a', upstream.url), router({ default: 'a,one', ...options })],
  });

/** Providers `a` and `b`; the router sends to `a,one` and falls back to `b,two`. */
export const withFallback = (
  t: TestContext,
  a: { url: string },
  b: { url: string },
  options: RouterOptions = {},
): Promise<TestProxy> =>
  startTestProxy(t, {
    plugins: [
      fakeProvider('a', a.url),
      fakeProvider('b', b.url),
      router({ default: { model: 'a,one', fallbacks: ['b,two'] }, ...options }),
    ],
  });
