import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { anthropic, gemini, modelMap, openai, openaiResponses } from '../../plugins/index.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import {
  replyJson,
  replySse,
  scriptedUpstream,
  sseData,
  type RecordedRequest,
  type UpstreamHandler,
} from '../helpers/upstream.ts';

/**
 * Each upstream answers every turn with thinking and a Bash call, in its own wire format, streamed
 * or not as asked; the n-th call of each upstream runs `echo <n>`.
 */
const command = (n: number) => ({ command: `echo ${n}` });

const anthropicReply = (): UpstreamHandler => {
  let n = 0;
  return (req, res) => {
    n++;
    const thinking = { type: 'thinking', thinking: `claude ${n}`, signature: `EqQBsig${n}` };
    const call = { type: 'tool_use', id: `toolu_A${n}`, name: 'Bash', input: command(n) };
    const usage = { input_tokens: 100, output_tokens: 10 };
    const message = {
      id: `msg_A${n}`,
      type: 'message',
      role: 'assistant',
      model: req.body.model,
      content: [thinking, call],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage,
    };
    if (!req.body.stream) return replyJson(res, 200, message);
    const events = [
      { type: 'message_start', message: { ...message, content: [], stop_reason: null } },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: thinking.thinking },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'signature_delta', signature: thinking.signature },
      },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { ...call, input: {} } },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(call.input) },
      },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage },
      { type: 'message_stop' },
    ];
    return replySse(
      res,
      events.map((e) => sseData(e, e.type)),
    );
  };
};

const geminiReply = (): UpstreamHandler => {
  let n = 0;
  return (req, res) => {
    n++;
    const response = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: `gemini ${n}`, thought: true },
              { functionCall: { name: 'Bash', args: command(n) }, thoughtSignature: `GsigG${n}` },
            ],
          },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 10 },
    };
    if (!req.url.includes('alt=sse')) return replyJson(res, 200, response);
    return replySse(res, [`data: ${JSON.stringify(response)}\r\n\r\n`]);
  };
};

const openaiReply = (): UpstreamHandler => {
  let n = 0;
  return (req, res) => {
    n++;
    // Kimi-style ids break Anthropic's pattern: the proxy must keep them paired anyway.
    const id = `functions.Bash:${n}`;
    const args = JSON.stringify(command(n));
    if (!req.body.stream) {
      const message = {
        role: 'assistant',
        content: null,
        reasoning_content: `openai ${n}`,
        tool_calls: [{ id, type: 'function', function: { name: 'Bash', arguments: args } }],
      };
      return replyJson(res, 200, {
        id: 'c',
        model: 'm',
        choices: [{ message, finish_reason: 'tool_calls' }],
        usage: { prompt_tokens: 100, completion_tokens: 10 },
      });
    }
    const chunk = (delta: object, finish: string | null = null) =>
      sseData({ id: 'c', choices: [{ index: 0, delta, finish_reason: finish }] });
    return replySse(res, [
      chunk({ reasoning_content: `openai ${n}` }),
      chunk({
        tool_calls: [{ index: 0, id, type: 'function', function: { name: 'Bash', arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }, 'tool_calls'),
      sseData({ id: 'c', choices: [], usage: { prompt_tokens: 100, completion_tokens: 10 } }),
      'data: [DONE]\n\n',
    ]);
  };
};

const responsesReply = (): UpstreamHandler => {
  let n = 0;
  return (req, res) => {
    n++;
    const reasoning = {
      type: 'reasoning',
      id: `rs_${n}`,
      summary: [{ type: 'summary_text', text: `responses ${n}` }],
      encrypted_content: `enc${n}`,
    };
    const call = {
      type: 'function_call',
      id: `fc_${n}`,
      call_id: `call_R${n}`,
      name: 'Bash',
      arguments: JSON.stringify(command(n)),
    };
    const response = {
      id: `resp_${n}`,
      status: 'completed',
      output: [reasoning, call],
      usage: { input_tokens: 100, output_tokens: 10 },
    };
    if (!req.body.stream) return replyJson(res, 200, response);
    const events = [
      { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
      { type: 'response.output_item.added', output_index: 0, item: { ...reasoning, summary: [] } },
      {
        type: 'response.reasoning_summary_text.delta',
        item_id: reasoning.id,
        summary_index: 0,
        delta: reasoning.summary[0]!.text,
      },
      { type: 'response.output_item.done', output_index: 0, item: reasoning },
      { type: 'response.output_item.added', output_index: 1, item: { ...call, arguments: '' } },
      {
        type: 'response.function_call_arguments.delta',
        item_id: call.id,
        output_index: 1,
        delta: call.arguments,
      },
      { type: 'response.output_item.done', output_index: 1, item: call },
      { type: 'response.completed', response },
    ];
    return replySse(
      res,
      events.map((e, i) => sseData({ ...e, sequence_number: i }, e.type)),
    );
  };
};

/** Every tool answer in a history pairs with a call of the message before it. */
function assertPaired(pairs: [calls: string[], results: string[]][], where: string) {
  for (const [calls, results] of pairs)
    assert.deepEqual(results, calls, `${where}: results must answer the calls before them`);
}

test('one config with four providers serves a Claude Code tool conversation, switching provider every turn', async (t) => {
  const upstreams = {
    anthropic: await scriptedUpstream(t, anthropicReply()),
    gemini: await scriptedUpstream(t, geminiReply()),
    openai: await scriptedUpstream(t, openaiReply()),
    responses: await scriptedUpstream(t, responsesReply()),
  };
  const { client } = await startTestProxy(t, {
    plugins: [
      anthropic({
        baseUrl: upstreams.anthropic.url,
        apiKey: 'sk-ant',
        models: ['claude-sonnet-4-5'],
      }),
      gemini({ baseUrl: upstreams.gemini.url, apiKey: 'g', models: ['gemini-3-pro-preview'] }),
      openai({
        baseUrl: `${upstreams.openai.url}/v1`,
        apiKey: 'sk-oai',
        vendor: 'deepseek',
        models: ['deepseek-reasoner'],
      }),
      openaiResponses({
        name: 'responses',
        baseUrl: `${upstreams.responses.url}/v1`,
        apiKey: 'sk-oai',
        models: ['gpt-5-codex'],
      }),
      modelMap({ middle: 'anthropic,claude-sonnet-4-5' }),
    ],
  });
  const order = [
    'claude-sonnet-4-6',
    'gemini,gemini-3-pro-preview',
    'openai,deepseek-reasoner',
    'responses,gpt-5-codex',
  ];
  const messages: Anthropic.MessageParam[] = [user('Run echo on every provider.')];
  const tools: Anthropic.Tool[] = [
    {
      name: 'Bash',
      description: 'Runs a command',
      input_schema: {
        type: 'object',
        properties: { command: { type: 'string' } },
        required: ['command'],
      },
    },
  ];
  for (let turn = 0; turn < 16; turn++) {
    const model = order[turn % 4]!;
    const stream = Math.floor(turn / 4) % 2 === 0;
    const params = {
      model,
      max_tokens: 2000,
      messages,
      tools,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
    };
    const message = stream
      ? await client.messages.stream(params).finalMessage()
      : await client.messages.create(params);
    const calls = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    assert.equal(message.stop_reason, 'tool_use', `turn ${turn} (${model})`);
    assert.equal(calls.length, 1, `turn ${turn} (${model})`);
    assert.match(calls[0]!.id, /^[a-zA-Z0-9_-]+$/);
    messages.push({ role: 'assistant', content: message.content as Anthropic.ContentBlockParam[] });
    messages.push({
      role: 'user',
      content: calls.map((c) => ({
        type: 'tool_result' as const,
        tool_use_id: c.id,
        content: `ran ${JSON.stringify(c.input)}`,
      })),
    });
  }
  checkAnthropic(upstreams.anthropic.requests);
  checkGemini(upstreams.gemini.requests);
  checkOpenAI(upstreams.openai.requests);
  checkResponses(upstreams.responses.requests);
});

function checkAnthropic(requests: RecordedRequest[]) {
  assert.equal(requests.length, 4);
  for (const { body } of requests) {
    const pairs: [string[], string[]][] = [];
    for (const [i, m] of (body.messages as Anthropic.MessageParam[]).entries()) {
      if (typeof m.content === 'string' || m.role !== 'assistant') continue;
      for (const b of m.content)
        if (b.type === 'thinking')
          assert.doesNotMatch(b.signature, /^ccp1\./, 'minted thinking never reaches Anthropic');
      const next = body.messages[i + 1].content as Anthropic.ToolResultBlockParam[];
      pairs.push([
        m.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])),
        next.map((b) => b.tool_use_id),
      ]);
      for (const id of pairs.at(-1)![0]) assert.match(id, /^[a-zA-Z0-9_-]+$/);
    }
    assertPaired(pairs, 'anthropic');
  }
}

function checkGemini(requests: RecordedRequest[]) {
  assert.equal(requests.length, 4);
  const last = requests.at(-1)!.body.contents as { role: string; parts: Record<string, any>[] }[];
  for (const [i, content] of last.entries()) {
    const calls = content.parts.filter((p) => p.functionCall);
    if (content.role !== 'model' || !calls.length) continue;
    assert.ok(
      calls[0]!.thoughtSignature,
      'every call turn carries a signature (its own or the bypass)',
    );
    const responses = last[i + 1]!.parts.filter((p) => p.functionResponse);
    assert.deepEqual(
      responses.map((p) => p.functionResponse.id),
      calls.map((p) => p.functionCall.id),
    );
    for (const p of responses) assert.equal(p.functionResponse.name, 'Bash');
  }
  const own = last.filter((c) => c.parts.some((p) => /^GsigG/.test(p.thoughtSignature ?? '')));
  assert.equal(own.length, 3, 'the three earlier Gemini turns get their own signatures back');
}

function checkOpenAI(requests: RecordedRequest[]) {
  assert.equal(requests.length, 4);
  const messages = requests.at(-1)!.body.messages as Record<string, any>[];
  for (const [i, m] of messages.entries()) {
    if (!m.tool_calls) continue;
    assert.equal(
      typeof m.reasoning_content,
      'string',
      'DeepSeek needs reasoning_content on every tool-call turn',
    );
    assert.deepEqual(
      [messages[i + 1]!.tool_call_id],
      m.tool_calls.map((c: { id: string }) => c.id),
    );
  }
  assert.ok(
    messages.some((m) => m.tool_calls?.[0]?.id === 'functions.Bash:1'),
    'its own ids come back as it sent them',
  );
}

function checkResponses(requests: RecordedRequest[]) {
  assert.equal(requests.length, 4);
  const input = requests.at(-1)!.body.input as Record<string, any>[];
  const calls = input.filter((i) => i.type === 'function_call').map((i) => i.call_id);
  const outputs = input.filter((i) => i.type === 'function_call_output').map((i) => i.call_id);
  assert.deepEqual(outputs, calls);
  // After turns on other providers, its own reasoning replays with the id the API requires.
  assert.deepEqual(
    input.filter((i) => i.type === 'reasoning').map((i) => [i.id, i.encrypted_content]),
    [
      ['rs_1', 'enc1'],
      ['rs_2', 'enc2'],
      ['rs_3', 'enc3'],
    ],
  );
}

test('G3: /v1/models lists the models of every configured provider', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, { data: [{ id: 'claude-opus-4-8' }] }),
  );
  const { client } = await startTestProxy(t, {
    plugins: [
      anthropic({ baseUrl: upstream.url, apiKey: 'sk-ant' }),
      gemini({ apiKey: 'g', models: ['gemini-2.5-pro'] }),
      openai({ apiKey: 'k', models: ['gpt-4o'] }),
      openaiResponses({ apiKey: 'k', models: ['gpt-5-codex'] }),
    ],
  });
  const ids = (await client.models.list({ limit: 1000 })).data.map((m) => m.id);
  // An id naming no Claude model is followed by its alias for Claude Code's /model picker.
  assert.deepEqual(ids, [
    'anthropic,claude-opus-4-8',
    'gemini,gemini-2.5-pro',
    'claude-via/gemini/gemini-2.5-pro',
    'openai,gpt-4o',
    'claude-via/openai/gpt-4o',
    'responses,gpt-5-codex',
    'claude-via/responses/gpt-5-codex',
  ]);
});
