import type { ServerResponse } from 'node:http';
import { replyJson, replySse, sseData } from '../../helpers/upstream.ts';
import { callId, requestKind, type RequestView, type Turn } from '../model.ts';
import { collectText, countImages, halves, type WireFormat } from './format.ts';

type Block = Record<string, any>;
type Message = { role: string; content: string | Block[] };

const blocks = (m: Message | undefined): Block[] =>
  !m ? [] : typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;

const resultText = (content: unknown): string =>
  typeof content === 'string' ? content : collectText(content);

/** Decodes an Anthropic Messages request (Claude Code's own format). */
export function viewAnthropic(body: any): RequestView {
  const messages: Message[] = body.messages ?? [];
  const system = typeof body.system === 'string' ? body.system : collectText(body.system ?? []);
  const lastUser = blocks(messages.findLast((m) => m.role === 'user'));
  const lastAssistant = blocks(messages.findLast((m) => m.role === 'assistant'));
  const userText = lastUser
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('\n');
  return {
    kind: requestKind(system, userText),
    model: body.model,
    system,
    tools: (body.tools ?? []).filter((t: Block) => t.input_schema).map((t: Block) => t.name),
    userText,
    results: lastUser
      .filter((b) => b.type === 'tool_result')
      .map((b) => ({
        id: b.tool_use_id,
        text: resultText(b.content),
        images: countImages(b.content),
      })),
    calls: lastAssistant.filter((b) => b.type === 'tool_use').map((b) => b.id),
    rounds: messages.filter(
      (m) => m.role === 'assistant' && blocks(m).some((b) => b.type === 'tool_use'),
    ).length,
    images: countImages(messages),
    allText: collectText(messages),
    signatures: messages
      .flatMap(blocks)
      .filter((b) => b.type === 'thinking')
      .map((b) => b.signature),
  };
}

/** The content blocks of a turn, as a finished Anthropic message would hold them. */
function contentOf(turn: Turn, round: number): Block[] {
  const content: Block[] = [];
  if (turn.search) {
    const id = `srvtoolu_e2e_${round}`;
    const results = turn.search.results.map((r) => ({
      type: 'web_search_result',
      ...r,
      encrypted_content: 'enc-e2e',
      page_age: null,
    }));
    content.push({
      type: 'server_tool_use',
      id,
      name: 'web_search',
      input: { query: turn.search.query },
    });
    content.push({ type: 'web_search_tool_result', tool_use_id: id, content: results });
  }
  if (turn.thinking)
    content.push({ type: 'thinking', thinking: turn.thinking, signature: `sig-e2e-${round}` });
  if (turn.text) content.push({ type: 'text', text: turn.text });
  for (const [i, call] of (turn.calls ?? []).entries()) {
    content.push({ type: 'tool_use', id: callId(round, i), name: call.name, input: call.input });
  }
  return content;
}

/** The SSE events of one block, split the way the API streams it. */
function blockEvents(block: Block, index: number): string[] {
  const event = (type: string, data: object) => sseData({ type, ...data }, type);
  const start = (content_block: Block) => event('content_block_start', { index, content_block });
  const delta = (d: Block) => event('content_block_delta', { index, delta: d });
  const stop = event('content_block_stop', { index });
  if (block.type === 'thinking') {
    return [
      start({ type: 'thinking', thinking: '', signature: '' }),
      delta({ type: 'thinking_delta', thinking: block.thinking }),
      delta({ type: 'signature_delta', signature: block.signature }),
      stop,
    ];
  }
  if (block.type === 'text') {
    return [
      start({ type: 'text', text: '' }),
      ...halves(block.text).map((text) => delta({ type: 'text_delta', text })),
      stop,
    ];
  }
  // Server-tool results arrive complete, with no deltas (PROTOCOL 3.2).
  if (block.type === 'web_search_tool_result') return [start(block), stop];
  const json = JSON.stringify(block.input);
  return [
    start({ ...block, input: {} }),
    delta({ type: 'input_json_delta', partial_json: '' }),
    delta({ type: 'input_json_delta', partial_json: json }),
    stop,
  ];
}

/** Answers like the Anthropic API: SSE when the request streams, else one Message. */
export async function replyAnthropic(
  res: ServerResponse,
  turn: Turn,
  view: RequestView,
  body: any,
): Promise<void> {
  const content = contentOf(turn, view.rounds);
  const stop_reason = turn.calls?.length ? 'tool_use' : 'end_turn';
  const usage = {
    input_tokens: turn.inputTokens ?? 1200,
    output_tokens: 40,
    ...(turn.search && { server_tool_use: { web_search_requests: 1 } }),
  };
  const message = {
    id: `msg_e2e_${view.rounds}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
  };
  if (!body.stream) {
    return replyJson(res, 200, { ...message, content, stop_reason, stop_sequence: null, usage });
  }
  const event = (type: string, data: object) => sseData({ type, ...data }, type);
  await replySse(res, [
    event('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    ...content.flatMap(blockEvents),
    event('message_delta', { delta: { stop_reason, stop_sequence: null }, usage }),
    event('message_stop', {}),
  ]);
}

export const anthropicWire: WireFormat = {
  name: 'anthropic',
  signs: true,
  isGeneration: (req) => req.method === 'POST' && /^\/v1\/messages(\?|$)/.test(req.url),
  view: viewAnthropic,
  reply: replyAnthropic,
  other: (req, res) => {
    if (req.url.startsWith('/v1/messages/count_tokens'))
      return replyJson(res, 200, { input_tokens: 1234 });
    return replyJson(res, 404, {
      type: 'error',
      error: { type: 'not_found_error', message: `no route ${req.url}` },
    });
  },
};
