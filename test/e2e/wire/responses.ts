import type { ServerResponse } from 'node:http';
import { replyJson, replySse, sseData } from '../../helpers/upstream.ts';
import { callId, requestKind, type RequestView, type Turn } from '../model.ts';
import { collectText, countImages, halves, type WireFormat } from './format.ts';

type Item = Record<string, any>;

const isModel = (item: Item) =>
  item.type === 'function_call' || item.type === 'reasoning' || item.role === 'assistant';
const textOf = (content: unknown) =>
  typeof content === 'string' ? content : collectText(content ?? []);

/** The runs of consecutive model items (reasoning, assistant message, function calls). */
function modelRuns(items: Item[]): Item[][] {
  const runs: Item[][] = [];
  items.forEach((item, i) => {
    if (!isModel(item)) return;
    if (i > 0 && isModel(items[i - 1]!)) runs.at(-1)!.push(item);
    else runs.push([item]);
  });
  return runs;
}

/** Decodes an OpenAI Responses request. */
export function viewResponses(body: any): RequestView {
  const items: Item[] =
    typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? []);
  const system = [
    body.instructions ?? '',
    ...items
      .filter((i) => i.role === 'system' || i.role === 'developer')
      .map((i) => textOf(i.content)),
  ].join('\n');
  const turn = items.slice(items.findLastIndex(isModel) + 1);
  const userText = turn
    .filter((i) => i.role === 'user')
    .map((i) => textOf(i.content))
    .join('\n');
  const runs = modelRuns(items);
  const hasCall = (run: Item[]) => run.some((i) => i.type === 'function_call');
  return {
    kind: requestKind(system, userText),
    model: body.model,
    system,
    tools: (body.tools ?? []).filter((t: Item) => t.type === 'function').map((t: Item) => t.name),
    userText,
    results: turn
      .filter((i) => i.type === 'function_call_output')
      .map((i) => ({ id: i.call_id, text: textOf(i.output), images: countImages(i.output) })),
    calls: (runs.at(-1) ?? []).filter((i) => i.type === 'function_call').map((i) => i.call_id),
    rounds: runs.filter(hasCall).length,
    images: countImages(items),
    allText: collectText(items),
    signatures: items
      .filter((i) => i.type === 'reasoning' && i.encrypted_content)
      .map((i) => i.encrypted_content),
  };
}

/** The output items of a turn, complete, in Responses order. */
function outputOf(turn: Turn, round: number): Item[] {
  const out: Item[] = [];
  if (turn.thinking) {
    out.push({
      type: 'reasoning',
      id: `rs_e2e_${round}`,
      summary: [{ type: 'summary_text', text: turn.thinking }],
      encrypted_content: `enc-e2e-${round}`,
    });
  }
  if (turn.text) {
    out.push({
      type: 'message',
      id: `msg_e2e_${round}`,
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: turn.text, annotations: [] }],
    });
  }
  for (const [i, call] of (turn.calls ?? []).entries()) {
    out.push({
      type: 'function_call',
      id: `fc_e2e_${round}_${i}`,
      call_id: callId(round, i),
      name: call.name,
      arguments: JSON.stringify(call.input),
      status: 'completed',
    });
  }
  return out;
}

/** The events that stream one output item: added, its deltas, done. */
function itemEvents(item: Item, output_index: number): [string, object][] {
  const item_id = item.id as string;
  const added: [string, object] = [
    'response.output_item.added',
    { output_index, item: { ...item, ...emptied(item) } },
  ];
  const done: [string, object] = ['response.output_item.done', { output_index, item }];
  if (item.type === 'reasoning') {
    const text = item.summary[0].text as string;
    return [
      added,
      ...halves(text).map((delta): [string, object] => [
        'response.reasoning_summary_text.delta',
        { item_id, output_index, summary_index: 0, delta },
      ]),
      done,
    ];
  }
  if (item.type === 'message') {
    const text = item.content[0].text as string;
    const part = { item_id, output_index, content_index: 0 };
    return [
      added,
      [
        'response.content_part.added',
        { ...part, part: { type: 'output_text', text: '', annotations: [] } },
      ],
      ...halves(text).map((delta): [string, object] => [
        'response.output_text.delta',
        { ...part, delta },
      ]),
      ['response.output_text.done', { ...part, text }],
      ['response.content_part.done', { ...part, part: item.content[0] }],
      done,
    ];
  }
  return [
    added,
    ...halves(item.arguments).map((delta): [string, object] => [
      'response.function_call_arguments.delta',
      { item_id, output_index, delta },
    ]),
    ['response.function_call_arguments.done', { item_id, output_index, arguments: item.arguments }],
    done,
  ];
}

/** How an item looks when it is announced, before its content streams. */
function emptied(item: Item): Item {
  if (item.type === 'reasoning') return { summary: [] };
  if (item.type === 'message') return { content: [], status: 'in_progress' };
  return { arguments: '', status: 'in_progress' };
}

/** Answers like OpenAI's Responses API: typed SSE events with sequence numbers, or one response. */
export async function replyResponses(
  res: ServerResponse,
  turn: Turn,
  view: RequestView,
  body: any,
): Promise<void> {
  const output = outputOf(turn, view.rounds);
  const input_tokens = turn.inputTokens ?? 1200;
  const response = {
    id: `resp_e2e_${view.rounds}`,
    object: 'response',
    created_at: 1_790_000_000,
    model: body.model,
    status: 'completed',
    output,
    usage: {
      input_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input_tokens + 40,
    },
  };
  if (!body.stream) return replyJson(res, 200, response);
  const events: [string, object][] = [
    [
      'response.created',
      { response: { ...response, status: 'in_progress', output: [], usage: null } },
    ],
    ...output.flatMap(itemEvents),
    ['response.completed', { response }],
  ];
  await replySse(
    res,
    events.map(([type, data], sequence_number) =>
      sseData({ type, sequence_number, ...data }, type),
    ),
  );
}

export const responsesWire: WireFormat = {
  name: 'responses',
  signs: true,
  isGeneration: (req) => req.method === 'POST' && /\/responses(\?|$)/.test(req.url),
  view: viewResponses,
  reply: replyResponses,
  other: (req, res) =>
    replyJson(res, 404, {
      error: {
        message: `no route ${req.url}`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    }),
};
