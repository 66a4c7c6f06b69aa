import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Plugin, Usage } from '../../core/index.ts';
import { gemini, openaiResponses } from '../../plugins/index.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';

/** Records the usage each `message_start` carried, as usage and history plugins read it. */
function startUsages(): { plugin: Plugin; seen: Usage[] } {
  const seen: Usage[] = [];
  return {
    seen,
    plugin: {
      name: 'start-usage',
      onEvent(_ctx, event) {
        if (event.type === 'message_start') seen.push({ ...event.message.usage });
      },
    },
  };
}

const params = { max_tokens: 64, messages: [user('hi')] };

test('a whole Gemini answer opens with its own prompt count in message_start (103 with 20 cached), not the estimate', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, {
      candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
      usageMetadata: {
        promptTokenCount: 103,
        cachedContentTokenCount: 20,
        candidatesTokenCount: 2,
      },
    }),
  );
  const { plugin, seen } = startUsages();
  const { client } = await startTestProxy(t, {
    plugins: [plugin, gemini({ baseUrl: upstream.url, apiKey: 'g', models: ['gemini-2.5-pro'] })],
  });
  const message = await client.messages.create({ model: 'gemini,gemini-2.5-pro', ...params });
  assert.equal(seen[0]?.input_tokens, 83);
  assert.equal(seen[0]?.cache_read_input_tokens, 20);
  assert.equal(message.usage.input_tokens, 83);
});

test('a whole Responses answer opens with its own prompt count in message_start', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, {
      id: 'resp_1',
      status: 'completed',
      output: [
        {
          type: 'message',
          id: 'msg_1',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'ok' }],
        },
      ],
      usage: { input_tokens: 103, input_tokens_details: { cached_tokens: 20 }, output_tokens: 2 },
    }),
  );
  const { plugin, seen } = startUsages();
  const { client } = await startTestProxy(t, {
    plugins: [
      plugin,
      openaiResponses({ baseUrl: `${upstream.url}/v1`, apiKey: 'k', models: ['gpt-5-codex'] }),
    ],
  });
  const message = await client.messages.create({
    model: 'responses,gpt-5-codex',
    ...params,
  });
  assert.equal(seen[0]?.input_tokens, 83);
  assert.equal(seen[0]?.cache_read_input_tokens, 20);
  assert.equal(message.usage.input_tokens, 83);
});
