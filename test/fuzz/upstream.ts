import type { ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import {
  replyJson,
  replySse,
  scriptedUpstream,
  sseData,
  type RecordedRequest,
  type ScriptedUpstream,
} from '../helpers/upstream.ts';

/**
 * One scripted upstream answering every provider's wire format with a short, valid text reply
 * (streamed when asked), whatever the request holds: any 5xx the client sees is then ccproxy's.
 */
export function anyProviderUpstream(t: TestContext): Promise<ScriptedUpstream> {
  return scriptedUpstream(t, (req, res) => {
    if (req.url.includes('count_tokens')) return replyJson(res, 200, { input_tokens: 7 });
    if (req.url.includes(':countTokens')) return replyJson(res, 200, { totalTokens: 7 });
    if (req.url.startsWith('/v1/chat/completions')) return openai(req, res);
    if (req.url.startsWith('/v1/responses')) return responses(req, res);
    if (req.url.startsWith('/v1/messages')) return anthropic(req, res);
    if (req.url.includes('generateContent')) return gemini(req, res);
    replyJson(res, 404, { error: { message: `no route ${req.url}` } });
  });
}

const stream = (req: RecordedRequest) => (req.body as { stream?: boolean } | undefined)?.stream;

function openai(req: RecordedRequest, res: ServerResponse) {
  const usage = { prompt_tokens: 10, completion_tokens: 1 };
  if (!stream(req)) {
    return replyJson(res, 200, {
      id: 'c',
      model: 'm',
      choices: [{ message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage,
    });
  }
  return replySse(res, [
    sseData({ id: 'c', choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: null }] }),
    sseData({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    sseData({ id: 'c', choices: [], usage }),
    'data: [DONE]\n\n',
  ]);
}

function responses(req: RecordedRequest, res: ServerResponse) {
  const item = {
    type: 'message',
    id: 'msg_1',
    role: 'assistant',
    content: [{ type: 'output_text', text: 'ok' }],
  };
  const response = {
    id: 'resp_1',
    status: 'completed',
    output: [item],
    usage: { input_tokens: 10, output_tokens: 1 },
  };
  if (!stream(req)) return replyJson(res, 200, response);
  const events = [
    { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, content: [] } },
    { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, delta: 'ok' },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response },
  ];
  return replySse(
    res,
    events.map((e, i) => sseData({ ...e, sequence_number: i }, e.type)),
  );
}

function anthropic(req: RecordedRequest, res: ServerResponse) {
  const usage = { input_tokens: 10, output_tokens: 1 };
  const message = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: 'ok' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  };
  if (!stream(req)) return replyJson(res, 200, message);
  const events = [
    { type: 'message_start', message: { ...message, content: [], stop_reason: null } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage },
    { type: 'message_stop' },
  ];
  return replySse(
    res,
    events.map((e) => sseData(e, e.type)),
  );
}

function gemini(req: RecordedRequest, res: ServerResponse) {
  const response = {
    candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1 },
  };
  if (!req.url.includes('alt=sse')) return replyJson(res, 200, response);
  return replySse(res, [`data: ${JSON.stringify(response)}\r\n\r\n`]);
}
