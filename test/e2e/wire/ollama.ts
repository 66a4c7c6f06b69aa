import type { ServerResponse } from 'node:http';
import { replyJson } from '../../helpers/upstream.ts';
import { requestKind, type RequestView, type Turn } from '../model.ts';
import { collectText, halves, latestTurn, type WireFormat } from './format.ts';

type Message = {
  role: string;
  content?: string;
  images?: string[];
  tool_calls?: { function: { name: string } }[];
  tool_name?: string;
};

const imagesIn = (messages: Message[]) => messages.reduce((n, m) => n + (m.images?.length ?? 0), 0);

/** Decodes an Ollama `/api/chat` request. Ollama's calls carry no id: the name pairs a result. */
export function viewOllama(body: any): RequestView {
  const messages: Message[] = body.messages ?? [];
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content ?? '')
    .join('\n');
  const { turn, assistant } = latestTurn(messages, (m) => m.role === 'assistant');
  const userText = turn
    .filter((m) => m.role === 'user')
    .map((m) => m.content ?? '')
    .join('\n');
  return {
    kind: requestKind(system, userText),
    model: body.model,
    system,
    tools: (body.tools ?? []).map((t: any) => t.function?.name),
    userText,
    results: turn
      .filter((m) => m.role === 'tool')
      .map((m) => ({ id: m.tool_name!, text: m.content ?? '', images: imagesIn([m]) })),
    calls: (assistant?.tool_calls ?? []).map((c) => c.function.name),
    rounds: messages.filter((m) => m.role === 'assistant' && m.tool_calls?.length).length,
    images: imagesIn(messages),
    allText:
      collectText(messages) + '\n' + JSON.stringify(messages.map((m) => m.tool_calls ?? null)),
    signatures: [],
  };
}

/** The lines Ollama streams for a turn: thinking, text in two pieces, whole calls, the last line. */
function linesOf(turn: Turn, model: string): object[] {
  const line = (message: object) => ({
    model,
    created_at: '2026-01-01T00:00:00Z',
    message: { role: 'assistant', content: '', ...message },
    done: false,
  });
  const out: object[] = [];
  if (turn.thinking) out.push(line({ thinking: turn.thinking }));
  for (const piece of halves(turn.text)) out.push(line({ content: piece }));
  const calls = (turn.calls ?? []).map((c) => ({ function: { name: c.name, arguments: c.input } }));
  if (calls.length) out.push(line({ tool_calls: calls }));
  out.push({ ...line({}), ...last(turn) });
  return out;
}

const last = (turn: Turn) => ({
  done: true,
  done_reason: 'stop',
  prompt_eval_count: turn.inputTokens ?? 1200,
  eval_count: 40,
});

/** Answers like Ollama: NDJSON lines when the request streams, else one object. */
export function replyOllama(res: ServerResponse, turn: Turn, _view: RequestView, body: any): void {
  const lines = linesOf(turn, body.model);
  if (!body.stream) {
    const message = {
      role: 'assistant',
      content: turn.text ?? '',
      ...(turn.thinking && { thinking: turn.thinking }),
      ...(turn.calls?.length && {
        tool_calls: turn.calls.map((c) => ({ function: { name: c.name, arguments: c.input } })),
      }),
    };
    return replyJson(res, 200, { model: body.model, message, ...last(turn) });
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const each of lines) res.write(`${JSON.stringify(each)}\n`);
  res.end();
}

export const ollamaWire: WireFormat = {
  name: 'ollama',
  signs: false,
  isGeneration: (req) => req.method === 'POST' && req.url === '/api/chat',
  view: viewOllama,
  reply: replyOllama,
  other: (req, res) => {
    if (req.url === '/api/tags')
      return replyJson(res, 200, { models: [{ name: 'ollama-e2e-big', model: 'ollama-e2e-big' }] });
    replyJson(res, 404, { error: `no route ${req.url}` });
  },
};
