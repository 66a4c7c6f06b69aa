/**
 * Conversion overhead of the OpenAI-compatible adapter per request, without I/O: the Anthropic
 * request → Chat Completions body (including JSON.stringify, as `send` does), and a streamed
 * answer of 300 chunks → Anthropic events (including the SSE parse and JSON.parse per chunk).
 * Bodies are the Claude Code-shaped conversation of the tests, grown with tool turns to ~25 KB
 * and ~130 KB. Run: node --import tsx bench/openai-conversion.ts
 */
import { readFileSync } from 'node:fs';
import {
  SseParser,
  type MessagesRequest,
  type SseMessage,
  type StreamEvent,
} from '../core/index.ts';
import { ToolNames } from '../plugins/providers/shared/tool-names.ts';
import { toChatRequest } from '../plugins/providers/openai/request.ts';
import { finishMessage, newState, sseToEvents } from '../plugins/providers/openai/stream.ts';
import { VENDORS } from '../plugins/providers/openai/vendors.ts';

const fixture = JSON.parse(
  readFileSync(
    new URL('../test/fixtures/openai/claude-code/request.json', import.meta.url),
    'utf8',
  ),
) as {
  request: MessagesRequest;
};

/** The fixture grown with Read tool turns until its JSON reaches `bytes`. */
function requestOf(bytes: number): MessagesRequest {
  const request = structuredClone(fixture.request);
  const file = Array.from(
    { length: 40 },
    (_, i) =>
      `${String(i + 1).padStart(6)}\texport const value${i} = compute(${i}); // line of source`,
  ).join('\n');
  for (let turn = 0; JSON.stringify(request).length < bytes; turn++) {
    request.messages.push(
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: `call_b${turn}`,
            name: 'Read',
            input: { file_path: `/repo/src/file${turn}.ts` },
          },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: `call_b${turn}`, content: file }],
      },
    );
  }
  return request;
}

const answer = (() => {
  const data = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const chunks = [data({ role: 'assistant', content: '' })];
  for (let i = 0; i < 250; i++) chunks.push(data({ content: ` word${i}` }));
  chunks.push(
    data({
      tool_calls: [
        { index: 0, id: 'call_1', type: 'function', function: { name: 'Bash', arguments: '' } },
      ],
    }),
  );
  for (let i = 0; i < 47; i++)
    chunks.push(
      data({
        tool_calls: [
          { index: 0, function: { arguments: i === 0 ? '{"command":"' : i === 46 ? 'x"}' : 'x' } },
        ],
      }),
    );
  chunks.push(data({}, 'tool_calls'), 'data: [DONE]\n\n');
  return chunks;
})();

function convertRequest(request: MessagesRequest): number {
  const body = toChatRequest(request, {
    model: 'gpt-4o',
    profile: VENDORS.openai,
    stream: true,
    names: new ToolNames(),
  });
  return JSON.stringify(body).length;
}

function convertAnswer(): number {
  const state = newState({
    provider: 'openai',
    model: 'claude-sonnet-4-5',
    inputEstimate: () => 1000,
    names: new ToolNames(),
    stopSequences: [],
  });
  const parser = new SseParser();
  const messages: SseMessage[] = [];
  const out: StreamEvent[] = [];
  let events = 0;
  for (const text of answer) {
    parser.feed(text, messages);
    for (const message of messages) sseToEvents(state, message, out);
    messages.length = 0;
    events += out.length;
    out.length = 0;
  }
  finishMessage(state, out);
  return events + out.length;
}

/** Median microseconds of `fn` over `runs` after a warm-up. */
function measure(fn: () => number, runs: number): number {
  for (let i = 0; i < 200; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

for (const size of [25_000, 130_000]) {
  const request = requestOf(size);
  const kb = (JSON.stringify(request).length / 1024).toFixed(1);
  console.log(
    `request ${kb} KB → chat body: ${measure(() => convertRequest(request), 2000).toFixed(1)} µs (median)`,
  );
}
console.log(
  `answer of ${answer.length} SSE chunks → events: ${measure(convertAnswer, 2000).toFixed(1)} µs (median)`,
);
