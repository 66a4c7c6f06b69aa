import type { ServerResponse } from 'node:http';
import { replyJson, replySse, sseData } from '../../helpers/upstream.ts';
import { callId, requestKind, type RequestView, type Turn } from '../model.ts';
import { collectText, countImages, halves, latestTurn, type WireFormat } from './format.ts';

type Message = {
  role: string;
  content?: unknown;
  tool_calls?: { id: string }[];
  tool_call_id?: string;
};

const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : collectText(content ?? []);

/** Decodes an OpenAI Chat Completions request. */
export function viewOpenAI(body: any): RequestView {
  const messages: Message[] = body.messages ?? [];
  const system = messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content))
    .join('\n');
  const { turn, assistant } = latestTurn(messages, (m) => m.role === 'assistant');
  const userText = turn
    .filter((m) => m.role === 'user')
    .map((m) => textOf(m.content))
    .join('\n');
  return {
    kind: requestKind(system, userText),
    model: body.model,
    system,
    tools: (body.tools ?? []).map((t: any) => t.function?.name),
    userText,
    results: turn
      .filter((m) => m.role === 'tool')
      .map((m) => ({
        id: m.tool_call_id!,
        text: textOf(m.content),
        images: countImages(m.content),
      })),
    calls: (assistant?.tool_calls ?? []).map((c) => c.id),
    rounds: messages.filter((m) => m.role === 'assistant' && m.tool_calls?.length).length,
    images: countImages(messages),
    allText: collectText(messages),
    signatures: [],
  };
}

const finishReason = (turn: Turn) => (turn.calls?.length ? 'tool_calls' : 'stop');
const usageOf = (turn: Turn) => {
  const prompt_tokens = turn.inputTokens ?? 1200;
  return { prompt_tokens, completion_tokens: 40, total_tokens: prompt_tokens + 40 };
};
const calls = (turn: Turn, round: number) =>
  (turn.calls ?? []).map((c, i) => ({
    id: callId(round, i),
    type: 'function',
    function: { name: c.name, arguments: JSON.stringify(c.input) },
  }));

/** The chunks OpenAI streams for a turn: reasoning, content in two pieces, each call's fragments. */
function chunksOf(turn: Turn, round: number, model: string, withUsage: boolean): string[] {
  const base = {
    id: `chatcmpl-e2e-${round}`,
    object: 'chat.completion.chunk',
    created: 1_790_000_000,
    model,
  };
  const chunk = (delta: object, finish_reason: string | null = null) =>
    sseData({ ...base, choices: [{ index: 0, delta, finish_reason }] });
  const out = [chunk({ role: 'assistant', content: '' })];
  if (turn.thinking) out.push(chunk({ reasoning_content: turn.thinking }));
  for (const piece of halves(turn.text)) out.push(chunk({ content: piece }));
  for (const [index, call] of calls(turn, round).entries()) {
    out.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of halves(call.function.arguments))
      out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  }
  out.push(chunk({}, finishReason(turn)));
  if (withUsage) out.push(sseData({ ...base, choices: [], usage: usageOf(turn) }));
  out.push('data: [DONE]\n\n');
  return out;
}

/** Answers like OpenAI's Chat Completions: chunks when the request streams, else one completion. */
export async function replyOpenAI(
  res: ServerResponse,
  turn: Turn,
  view: RequestView,
  body: any,
): Promise<void> {
  if (body.stream)
    return replySse(
      res,
      chunksOf(turn, view.rounds, body.model, Boolean(body.stream_options?.include_usage)),
    );
  const toolCalls = calls(turn, view.rounds);
  const message = {
    role: 'assistant',
    content: turn.text ?? null,
    ...(turn.thinking && { reasoning_content: turn.thinking }),
    ...(toolCalls.length && { tool_calls: toolCalls }),
  };
  replyJson(res, 200, {
    id: `chatcmpl-e2e-${view.rounds}`,
    object: 'chat.completion',
    created: 1_790_000_000,
    model: body.model,
    choices: [{ index: 0, message, finish_reason: finishReason(turn) }],
    usage: usageOf(turn),
  });
}

export const openaiWire: WireFormat = {
  name: 'openai',
  signs: false,
  isGeneration: (req) => req.method === 'POST' && req.url.endsWith('/chat/completions'),
  view: viewOpenAI,
  reply: replyOpenAI,
  other: (req, res) => {
    if (req.url.endsWith('/models'))
      return replyJson(res, 200, {
        object: 'list',
        data: [{ id: 'gpt-e2e-big', object: 'model', created: 1_790_000_000, owned_by: 'e2e' }],
      });
    replyJson(res, 404, {
      error: {
        message: `no route ${req.url}`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  },
};
