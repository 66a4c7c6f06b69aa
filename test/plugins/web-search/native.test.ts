import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolResultBlock, WebSearchToolResultBlock } from '../../../core/index.ts';
import type { BackendOptions } from '../../../plugins/index.ts';
import { replyJson, scriptedUpstream } from '../../helpers/upstream.ts';
import { reply } from './fake-model.ts';
import { fixture, setup, sideRequest, streamed } from './helpers.ts';

const Q = 'node.js 22 release date';

for (const c of [
  {
    type: 'gemini',
    path: '/v1beta/models/gemini-2.5-flash:generateContent',
    auth: 'x-goog-api-key',
    titles: ['nodejs.org', 'github.com'],
    told: /April 24, 2024/,
  },
  {
    type: 'openai-responses',
    path: '/responses',
    auth: 'authorization',
    titles: ['Node.js 22 is now available!'],
    told: /April 24, 2024/,
  },
  {
    type: 'openrouter',
    path: '/chat/completions',
    auth: 'authorization',
    titles: ['Node.js 22 is now available!'],
    told: /excited to announce/,
  },
] as const) {
  test(`provider-native search (${c.type}): the provider searches, its citations become the result blocks`, async (t) => {
    const native = await scriptedUpstream(t, (_req, res) => replyJson(res, 200, fixture(c.type)));
    const backend: BackendOptions = { type: c.type, apiKey: 'native-key', baseUrl: native.url };
    const { proxy, model } = await setup(
      t,
      [reply([{ search: Q }], 'tool_use'), reply([{ text: 'Released in April 2024 [1].' }])],
      {
        backend: native,
        plugin: { backend },
      },
    );
    const { message } = await streamed(proxy.client, sideRequest(Q));

    const sent = native.requests[0]!;
    assert.equal(sent.url, c.path);
    assert.match(String(sent.headers[c.auth]), /native-key/);
    assert.match(JSON.stringify(sent.body), /Search the web for: node\.js 22 release date/);
    const result = message.content[1] as WebSearchToolResultBlock;
    assert.ok(Array.isArray(result.content));
    assert.deepEqual(
      result.content.map((r) => r.title),
      c.titles,
    );
    assert.equal(message.usage.server_tool_use?.web_search_requests, 1);
    assert.equal((message.content[2] as { citations: unknown[] }).citations.length, 1);
    // The model answers from what each source says: the provider's excerpt, or the words it supports.
    assert.match(
      (model.requests[1]!.messages.at(-1)!.content as ToolResultBlock[])[0]!.content as string,
      c.told,
    );
  });
}
