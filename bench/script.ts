/**
 * What the scripted upstream says, written once: the upstream sends it, the correctness checks
 * expect it back through each proxy, the load generator spots its first delta.
 */

/** The first content of every answer: the load generator times the first delta by it. */
export const FIRST_MARK = 'ZQX0';

/** What the upstream does with a request, chosen by a `[[bench:MODE]]` tag in the body. */
export type Mode = 'text' | 'tool' | 'error500' | 'error429' | 'gate';

const MODE_TAG = /\[\[bench:(text|tool|error500|error429|gate)(?::([\w-]+))?\]\]/;

/** The tag a request body carries to pick `mode` (and, for `gate`, the id of its gate). */
export const modeTag = (mode: Mode, id?: string): string =>
  `[[bench:${mode}${id ? `:${id}` : ''}]]`;

/** Finds the mode tag in a raw body; proxies rewrite the JSON around it, never the text itself. */
export function readModeTag(raw: string): { mode: Mode; id: string } {
  const match = MODE_TAG.exec(raw);
  return { mode: (match?.[1] as Mode | undefined) ?? 'text', id: match?.[2] ?? '' };
}

/** The 50 text deltas of a streamed answer; joined, the text of every answer. */
export const TEXT_DELTAS: readonly string[] = Array.from({ length: 50 }, (_, i) =>
  i === 0 ? `${FIRST_MARK} ` : `word${i}${i % 10 === 9 ? '.\n' : ' '}`,
);
export const TEXT = TEXT_DELTAS.join('');

/** The tool call the `tool` mode makes; its arguments arrive in `ARGUMENT_FRAGMENTS`. */
export const TOOL_CALL = {
  id: 'call_bench_0',
  name: 'Edit',
  input: {
    file_path: `/${FIRST_MARK}/src/server/routes/handler.ts`,
    old_string:
      'export function handle(request: Request): Response {\n  return respond(request);\n}',
    new_string:
      'export async function handle(request: Request): Promise<Response> {\n' +
      '  const body = await request.json();\n  return respond(request, body);\n}',
    replace_all: false,
  },
};

/**
 * The tool call's JSON arguments cut into 100 fragments, as OpenAI-compatible servers stream them.
 * The first fragment ends with the whole mark, so the first delta is recognisable on the wire.
 */
export const ARGUMENT_FRAGMENTS: readonly string[] = fragments(
  JSON.stringify(TOOL_CALL.input),
  100,
);

function fragments(json: string, count: number): string[] {
  const head = json.indexOf(FIRST_MARK) + FIRST_MARK.length;
  const rest = json.slice(head);
  const cut = (i: number) => Math.floor((i * rest.length) / (count - 1));
  return [
    json.slice(0, head),
    ...Array.from({ length: count - 1 }, (_, i) => rest.slice(cut(i), cut(i + 1))),
  ];
}

/**
 * Added to a gated stream when its client never saw the first delta: the proxy in between held
 * it back (buffered), so the upstream gave up waiting.
 */
export const GATE_TIMED_OUT = ' [the gate timed out]';

/** Token counts the upstream reports; proxies must pass them on. */
export const USAGE = { prompt_tokens: 6100, completion_tokens: 120 };

/** The upstream's 429 asks the client to wait this long (seconds); it must reach the client. */
export const RETRY_AFTER = '7';
