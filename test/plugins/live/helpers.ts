import type { TestContext } from 'node:test';
import { request } from 'undici';
import type { Plugin, PluginOption } from '../../../core/index.ts';
import { MemoryStorage } from '../../../plugins/storage/memory.ts';
import { live, modelMap } from '../../../plugins/index.ts';
import { fakeProvider, textStream, type FakeProvider } from '../../helpers/events.ts';
import { startTestProxy, type TestProxy } from '../../helpers/proxy.ts';

/** Provides `storage` as the cockpit's storage plugin does, over a store the test keeps. */
export function storagePlugin(storage = new MemoryStorage()): Plugin {
  return { name: 'storage', setup: (app) => app.provide('storage', storage) };
}

export interface Answer {
  status: number;
  json: any;
  text: string;
}

/** One admin API call over HTTP; a body is sent as JSON unless `type` says otherwise. */
export async function api(
  url: string,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await request(`${url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, text };
}

export interface LiveProxy extends TestProxy {
  a: FakeProvider;
  b: FakeProvider;
}

/**
 * A proxy with providers `a` and `b` (each answering with its own name), tiers on `a`, and live
 * control; `extra` plugins come first (auth, admin).
 */
export async function liveProxy(
  t: TestContext,
  options: { storage?: MemoryStorage; extra?: PluginOption[]; env?: NodeJS.ProcessEnv } = {},
): Promise<LiveProxy> {
  const a = fakeProvider('a', () => textStream('from a'), ['one']);
  const b = fakeProvider('b', () => textStream('from b'), ['two']);
  const proxy = await startTestProxy(t, {
    env: options.env,
    plugins: [
      ...(options.extra ?? []),
      storagePlugin(options.storage),
      a.plugin,
      b.plugin,
      modelMap({ big: 'a,one', middle: 'a,one', small: 'a,small-one' }),
      live(),
    ],
  });
  return { ...proxy, a, b };
}
