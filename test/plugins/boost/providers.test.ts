import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Plugin } from '../../../core/index.ts';
import { boost } from '../../../plugins/boost/index.ts';
import { modelMap } from '../../../plugins/model-map/index.ts';
import { anthropic } from '../../../plugins/providers/anthropic/index.ts';
import { gemini } from '../../../plugins/providers/gemini/index.ts';
import { openai } from '../../../plugins/providers/openai/index.ts';
import { router } from '../../../plugins/router/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { replyJson, scriptedUpstream, type UpstreamHandler } from '../../helpers/upstream.ts';
import {
  callsTool,
  claudeCodeRequest,
  plannerFails,
  plannerSays,
  plannerUsageOf,
} from './helpers.ts';

const GUIDE =
  'ANALYSIS:\nThe user wants a.txt.\n\nGUIDANCE:\nCall Read with file_path /repo/a.txt.';

/** A Gemini `generateContent` answer (non-streaming), as the Gemini API sends it. */
const geminiSays =
  (text: string): UpstreamHandler =>
  (_req, res) =>
    replyJson(res, 200, {
      candidates: [
        { content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: { promptTokenCount: 210, candidatesTokenCount: 12, totalTokenCount: 222 },
      modelVersion: 'gemini-2.5-pro',
    });

/** An Anthropic Messages answer (non-streaming), as api.anthropic.com sends it. */
const anthropicSays =
  (text: string): UpstreamHandler =>
  (req, res) =>
    replyJson(res, 200, {
      id: 'msg_01planner',
      type: 'message',
      role: 'assistant',
      model: (req.body as { model: string }).model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 180, output_tokens: 25 },
    });

/** ccproxy with an OpenAI-compatible executor `exec` and `planner` as boost's planner provider. */
async function startWith(t: TestContext, planner: Plugin, ref: string, more: Plugin[] = []) {
  const executor = await scriptedUpstream(t, callsTool('Read', { file_path: '/repo/a.txt' }));
  const proxy = await startTestProxy(t, {
    plugins: [
      openai({ name: 'exec', baseUrl: `${executor.url}/v1`, apiKey: 'sk-exec' }),
      planner,
      modelMap({ big: 'exec,cheap-model' }),
      boost({ tiers: ['big'], planner: ref }),
      ...more,
    ],
  });
  return { ...proxy, executor };
}

test('a Gemini planner: generateContent with the prompt and no tools; its SUMMARY is the answer', async (t) => {
  const upstream = await scriptedUpstream(t, geminiSays('SUMMARY:\nThe answer is 4.'));
  const { client, executor } = await startWith(
    t,
    gemini({
      name: 'gemini',
      baseUrl: upstream.url,
      apiKey: 'g-key-planner',
      models: ['gemini-2.5-pro'],
    }),
    'gemini,gemini-2.5-pro',
  );
  const stream = client.messages.stream({ ...claudeCodeRequest('what is 2+2?'), stream: true });
  const planner = plannerUsageOf(stream);
  const message = await stream.finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'The answer is 4.' }]);
  assert.equal(executor.requests.length, 0, 'the planner answered');
  assert.deepEqual(await planner, {
    model: 'gemini-2.5-pro',
    calls: 1,
    input_tokens: 210,
    output_tokens: 12,
    cached: false,
  });
  const sent = upstream.requests[0]!;
  assert.equal(sent.url, '/v1beta/models/gemini-2.5-pro:generateContent');
  assert.equal(sent.headers['x-goog-api-key'], 'g-key-planner');
  const body = sent.body as { contents: { parts: { text: string }[] }[]; tools?: unknown };
  assert.equal(body.tools, undefined, 'the planner gets no tools');
  assert.equal(body.contents.length, 1);
  assert.match(body.contents[0]!.parts[0]!.text, /^You plan for an assistant.*what is 2\+2\?/s);
});

test('an Anthropic planner: Messages with the prompt and no tools; its GUIDANCE reaches the executor', async (t) => {
  const upstream = await scriptedUpstream(t, anthropicSays(GUIDE));
  const { client, executor } = await startWith(
    t,
    anthropic({
      name: 'claude',
      baseUrl: upstream.url,
      apiKey: 'sk-ant-planner',
      models: ['claude-opus-4-1'],
    }),
    'claude,claude-opus-4-1',
  );
  const message = await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual((message.usage as { planner?: object }).planner, {
    model: 'claude-opus-4-1',
    calls: 1,
    input_tokens: 180,
    output_tokens: 25,
    cached: false,
  });
  const sent = upstream.requests[0]!;
  assert.equal(sent.url, '/v1/messages');
  assert.equal(sent.headers['x-api-key'], 'sk-ant-planner');
  const body = sent.body as {
    model: string;
    tools?: unknown;
    stream?: boolean;
    messages: unknown[];
  };
  assert.equal(body.model, 'claude-opus-4-1');
  assert.equal(body.tools, undefined);
  assert.notEqual(body.stream, true);
  assert.equal(body.messages.length, 1);
  const guided = executor.requests[0]!.body as { messages: { content: string }[] };
  assert.match(guided.messages[0]!.content, /GUIDANCE:\nCall Read with file_path \/repo\/a.txt.$/);
});

test('an Anthropic planner failing: its error is mapped like any answer, retried, then direct execution', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 529, {
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    }),
  );
  const { client, executor } = await startWith(
    t,
    anthropic({ name: 'claude', baseUrl: upstream.url, apiKey: 'sk-ant-p', models: ['claude-x'] }),
    'claude,claude-x',
  );
  const message = await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(upstream.requests.length, 3);
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal((executor.requests[0]!.body as { tool_choice?: unknown }).tool_choice, undefined);
});

test("with the router, a failing planner is not retried on the executor's fallbacks and its hops are not the request's", async (t) => {
  const planner = await scriptedUpstream(t, [plannerFails(500), plannerSays(GUIDE)]);
  const spare = await scriptedUpstream(t, callsTool('Read', { file_path: '/repo/a.txt' }));
  let finished!: (hops: string[]) => void;
  const hops = new Promise<string[]>((resolve) => (finished = resolve));
  const { executor, url } = await startWith(
    t,
    openai({ name: 'planner', baseUrl: `${planner.url}/v1`, apiKey: 'sk-p' }),
    'planner,planner-model',
    [
      openai({ name: 'spare', baseUrl: `${spare.url}/v1`, apiKey: 'sk-s' }),
      router({ fallbacks: { exec: ['spare,spare-model'] } }),
      {
        name: 'hops',
        onFinish: (ctx) => finished(ctx.state.router?.attempts.map((a) => a.target) ?? []),
      },
    ],
  );
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(claudeCodeRequest('read a.txt')),
  });
  const message = (await response.json()) as { stop_reason: string };
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(response.headers.get('x-ccproxy-target'), 'exec,cheap-model', 'the target restored');
  assert.equal(planner.requests.length, 2, 'the failed planner call was planned again');
  assert.equal(spare.requests.length, 0, "the executor's fallback never got the planner prompt");
  assert.equal(executor.requests.length, 1);
  assert.deepEqual(await hops, ['exec,cheap-model'], 'one hop: the executor; no fallback marker');
});
