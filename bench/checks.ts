import { request } from 'undici';
import { SseParser, type SseMessage } from '../core/stream/sse-reader.ts';
import { messagesBody } from './bodies.ts';
import type { Target } from './load.ts';
import type { Mode } from './script.ts';
import { GATE_TIMED_OUT, RETRY_AFTER, TEXT, TOOL_CALL, USAGE } from './script.ts';

/**
 * Correctness before load: each check sends one request through a system and says what a client
 * would have seen wrong ('' when right). A system that fails one is reported as is.
 */
export interface CheckResult {
  name: string;
  error: string;
}

/** A streamed event as it came off the wire; shapes are checked, not assumed. */
interface WireEvent {
  type: string;
  index?: number;
  content_block?: { type: string; name?: string; input?: unknown };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string };
  usage?: { input_tokens?: number; output_tokens?: number };
  message?: { usage?: { input_tokens?: number } };
}

interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function send(
  target: Target,
  mode: Mode,
  stream: boolean,
  gate?: { id: string; upstream: string },
): Promise<Exchange> {
  const body = messagesBody({
    size: 'normal',
    mode,
    stream,
    model: target.model,
    gateId: gate?.id,
  });
  const res = await request(target.origin + target.path, {
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  let text = '';
  let released = !gate;
  for await (const chunk of res.body) {
    text += (chunk as Buffer).toString('utf8');
    // The upstream holds the rest of a gated stream until this client has seen the first delta.
    if (!released && text.includes('text_delta')) {
      released = true;
      await request(`${gate!.upstream}/release/${gate!.id}`).then((r) => r.body.dump());
    }
  }
  return { status: res.statusCode, headers: res.headers, text };
}

function events(text: string): { events: WireEvent[]; error: string } {
  const parser = new SseParser();
  const messages: SseMessage[] = [];
  parser.feed(text, messages);
  parser.end(messages);
  const out: WireEvent[] = [];
  for (const m of messages) {
    let data: WireEvent;
    try {
      data = JSON.parse(m.data) as WireEvent;
    } catch {
      return { events: out, error: `data is not JSON: ${m.data.slice(0, 80)}` };
    }
    if (m.event !== data.type)
      return { events: out, error: `event: "${m.event}" but data.type "${data.type}"` };
    if (data.type !== 'ping') out.push(data);
  }
  return { events: out, error: '' };
}

/** The Anthropic stream grammar: one message, blocks opened, fed and closed in index order. */
export function grammarError(list: readonly WireEvent[]): string {
  let open = -1;
  let next = 0;
  for (const [i, e] of list.entries()) {
    const where = `event ${i} (${e.type})`;
    if ((i === 0) !== (e.type === 'message_start'))
      return `${where}: message_start must come first, once`;
    if (e.type === 'content_block_start') {
      if (open !== -1 || e.index !== next) return `${where}: block ${e.index} opened out of order`;
      open = next++;
    } else if (e.type === 'content_block_delta' || e.type === 'content_block_stop') {
      if (e.index !== open) return `${where}: index ${e.index}, open block ${open}`;
      if (e.type === 'content_block_stop') open = -1;
    } else if (e.type === 'message_delta') {
      if (open !== -1) return `${where}: block ${open} still open`;
    } else if (e.type === 'message_stop') {
      if (i !== list.length - 1) return `${where}: events after message_stop`;
    } else if (e.type !== 'message_start') return `${where}: unknown event type`;
  }
  return list.at(-1)?.type === 'message_stop' ? '' : 'the stream does not end with message_stop';
}

const deltas = (list: readonly WireEvent[], field: 'text' | 'partial_json'): string =>
  list.map((e) => (e.type === 'content_block_delta' ? (e.delta?.[field] ?? '') : '')).join('');
const stopReason = (list: readonly WireEvent[]) =>
  list.find((e) => e.type === 'message_delta')?.delta?.stop_reason;

async function streamed(target: Target, mode: Mode, gate?: { id: string; upstream: string }) {
  const ex = await send(target, mode, true, gate);
  if (ex.status !== 200) return { list: [], error: `HTTP ${ex.status}: ${ex.text.slice(0, 120)}` };
  const parsed = events(ex.text);
  return { list: parsed.events, error: parsed.error || grammarError(parsed.events) };
}

type Check = (target: Target, upstream: string) => Promise<string>;

const CHECKS: Record<string, Check> = {
  async 'json text'(target) {
    const ex = await send(target, 'text', false);
    if (ex.status !== 200) return `HTTP ${ex.status}`;
    const m = JSON.parse(ex.text) as {
      type?: string;
      content?: { type: string; text?: string }[];
      stop_reason?: string;
    };
    if (m.type !== 'message') return `not a message: ${ex.text.slice(0, 80)}`;
    const text = m.content?.[0]?.text ?? '';
    if (text !== TEXT) return `text differs from the upstream answer ${difference(text)}`;
    return m.stop_reason === 'end_turn' ? '' : `stop_reason ${m.stop_reason}`;
  },
  async 'sse grammar + text'(target) {
    const { list, error } = await streamed(target, 'text');
    if (error) return error;
    const text = deltas(list, 'text');
    if (text !== TEXT) return `streamed text differs from the upstream answer ${difference(text)}`;
    return stopReason(list) === 'end_turn' ? '' : `stop_reason ${stopReason(list)}`;
  },
  async usage(target) {
    const { list, error } = await streamed(target, 'text');
    if (error) return error;
    // message_delta's usage is the final word (the SDK folds it over message_start's estimate).
    const final = list.find((e) => e.type === 'message_delta')?.usage;
    const output = final?.output_tokens;
    const input = final?.input_tokens ?? list[0]?.message?.usage?.input_tokens;
    if (output !== USAGE.completion_tokens)
      return `output_tokens ${output}, upstream said ${USAGE.completion_tokens}`;
    return input === USAGE.prompt_tokens
      ? ''
      : `input_tokens ${input}, upstream said ${USAGE.prompt_tokens}`;
  },
  async 'tool input from fragments'(target) {
    const { list, error } = await streamed(target, 'tool');
    if (error) return error;
    const block = list.find((e) => e.type === 'content_block_start')?.content_block;
    if (block?.type !== 'tool_use' || block.name !== TOOL_CALL.name)
      return `first block is ${block?.type} ${block?.name ?? ''}`;
    const json = deltas(list, 'partial_json');
    if (
      json !== JSON.stringify(TOOL_CALL.input) &&
      JSON.stringify(safeParse(json)) !== JSON.stringify(TOOL_CALL.input)
    )
      return 'tool input differs';
    return stopReason(list) === 'tool_use' ? '' : `stop_reason ${stopReason(list)}`;
  },
  async 'no buffering'(target, upstream) {
    // The upstream sends one delta and waits for this client to see it: behind a proxy that
    // buffers, it waits in vain, gives up after a while and says so in the text.
    const { list, error } = await streamed(target, 'gate', { id: `g${Date.now()}`, upstream });
    if (error) return error;
    return deltas(list, 'text').includes(GATE_TIMED_OUT)
      ? 'the first delta reached the client only after the upstream gave up waiting'
      : '';
  },
  async 'upstream 500'(target) {
    return errorAnswer(await send(target, 'error500', false), 500, 'api_error');
  },
  async 'upstream 429'(target) {
    const ex = await send(target, 'error429', false);
    return (
      errorAnswer(ex, 429, 'rate_limit_error') ||
      (ex.headers['retry-after'] === RETRY_AFTER
        ? ''
        : `retry-after ${String(ex.headers['retry-after'])}`)
    );
  },
};

/** Where `text` first departs from the upstream's, e.g. `(at 348 of 349: "" instead of "\\n")`. */
function difference(text: string): string {
  let i = 0;
  while (i < text.length && text[i] === TEXT[i]) i++;
  return `(at ${i} of ${TEXT.length}: ${JSON.stringify(text.slice(i, i + 12))} instead of ${JSON.stringify(TEXT.slice(i, i + 12))})`;
}

function safeParse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

function errorAnswer(ex: Exchange, status: number, type: string): string {
  const body = safeParse(ex.text) as { type?: string; error?: { type?: string } } | undefined;
  if (ex.status !== status) return `HTTP ${ex.status}, expected ${status}`;
  return body?.type === 'error' && body.error?.type === type ? '' : `body ${ex.text.slice(0, 100)}`;
}

export const CHECK_NAMES = Object.keys(CHECKS);

/** Runs every check in turn against one system. */
export async function runChecks(target: Target, upstream: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [name, check] of Object.entries(CHECKS)) {
    let error: string;
    try {
      error = await check(target, upstream);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    results.push({ name, error });
  }
  return results;
}
