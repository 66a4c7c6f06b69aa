import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { foldEvents, type Message, type StreamEvent } from '../../../core/index.ts';
import { webSearch, type WebSearchOptions } from '../../../plugins/index.ts';
import { startTestProxy, type TestProxy } from '../../helpers/proxy.ts';
import {
  replyJson,
  scriptedUpstream,
  type ScriptedUpstream,
  type UpstreamHandler,
} from '../../helpers/upstream.ts';
import { fakeModel, type FakeModel } from './fake-model.ts';

/** A backend's documented response body, from test/fixtures/web-search/<name>.json. */
export function fixture(name: string): unknown {
  const url = new URL(`../../fixtures/web-search/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { response: unknown }).response;
}

/** Claude Code's WebSearch side request (PROTOCOL §5.7), as it sends it. */
export function sideRequest(query: string, tool: Record<string, unknown> = {}, stream = true) {
  return {
    model: 'claude-haiku-4-5-20251001',
    max_tokens: 32000,
    stream,
    system: [
      {
        type: 'text',
        text: 'x-anthropic-billing-header: cc_version=2.1.200.abc; cc_entrypoint=cli; cch=00000;',
      },
      { type: 'text', text: 'You are an assistant for performing a web search tool use' },
    ],
    messages: [{ role: 'user', content: `Perform a web search for the query: ${query}` }],
    tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8, ...tool }],
    thinking: { type: 'disabled' },
  };
}

/** A SearXNG instance answering every search with the documented fixture (or `handler`). */
export const searxng = (t: TestContext, handler?: UpstreamHandler | UpstreamHandler[]) =>
  scriptedUpstream(t, handler ?? ((_req, res) => replyJson(res, 200, fixture('searxng'))));

export interface Setup {
  proxy: TestProxy;
  model: FakeModel;
  backend: ScriptedUpstream;
}

/** The proxy with a scripted model and the web-search plugin on a scripted SearXNG. */
export async function setup(
  t: TestContext,
  scripts: StreamEvent[][],
  options: {
    backend?: ScriptedUpstream;
    plugin?: Partial<WebSearchOptions>;
    provider?: string;
  } = {},
): Promise<Setup> {
  const backend = options.backend ?? (await searxng(t));
  const model = fakeModel(scripts, options.provider);
  const plugin = webSearch({
    backend: { type: 'searxng', baseUrl: backend.url },
    ...options.plugin,
  });
  const proxy = await startTestProxy(t, { plugins: [model.plugin, plugin] });
  return { proxy, model, backend };
}

/** Sends a request as a streaming client; returns every event, checked against the grammar (B3–B6). */
export async function streamed(
  client: Anthropic,
  body: object,
): Promise<{ events: StreamEvent[]; message: Message }> {
  const events: StreamEvent[] = [];
  const stream = await client.messages.create({
    ...body,
    stream: true,
  } as Anthropic.MessageCreateParamsStreaming);
  for await (const event of stream) events.push(event as unknown as StreamEvent);
  assertGrammar(events);
  return { events, message: foldEvents(events) };
}

/** One message_start first, blocks 0, 1, 2… each started and stopped in turn, one message_delta, message_stop last. */
export function assertGrammar(events: StreamEvent[]): void {
  const kinds = events.filter((e) => e.type !== 'ping');
  assert.equal(kinds[0]?.type, 'message_start');
  assert.equal(kinds.filter((e) => e.type === 'message_start').length, 1);
  assert.equal(kinds.filter((e) => e.type === 'message_delta').length, 1);
  assert.equal(kinds.at(-2)?.type, 'message_delta');
  assert.equal(kinds.at(-1)?.type, 'message_stop');
  let open = -1;
  let next = 0;
  for (const e of kinds) {
    if (e.type === 'content_block_start') {
      assert.equal(open, -1, 'a block started while another was open');
      assert.equal(e.index, next++);
      open = e.index;
    } else if (e.type === 'content_block_delta') {
      assert.equal(e.index, open);
    } else if (e.type === 'content_block_stop') {
      assert.equal(e.index, open);
      open = -1;
    }
  }
  assert.equal(open, -1);
}

/** The content blocks' types, in order. */
export const types = (message: Message): string[] => message.content.map((b) => b.type);
