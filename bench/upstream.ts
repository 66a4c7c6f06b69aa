import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  ARGUMENT_FRAGMENTS,
  GATE_TIMED_OUT,
  RETRY_AFTER,
  TEXT,
  TEXT_DELTAS,
  TOOL_CALL,
  USAGE,
  readModeTag,
} from './script.ts';

/**
 * The scripted OpenAI-compatible upstream every system talks to. Answers are serialised once at
 * start, so a request costs the upstream little more than reading its body: the figures measure
 * the proxies, not this server.
 */
export interface UpstreamOptions {
  port?: number;
  /** Wait between two stream writes, in ms. Default 0: the next macrotask, so each is its own write. */
  paceMs?: number;
  /** How long a `gate` stream waits for its release before going on. Default 3 s. */
  gateTimeoutMs?: number;
}

const ID = 'chatcmpl-bench';
const MODEL = 'bench-model';
const chunk = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: ID, object: 'chat.completion.chunk', created: 1, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: ID, object: 'chat.completion.chunk', created: 1, model: MODEL, choices: [], usage: { ...USAGE, total_tokens: USAGE.prompt_tokens + USAGE.completion_tokens } })}\n\n`;
const DONE = 'data: [DONE]\n\n';

/** Each stream as the list of its writes. */
const STREAMS = {
  text: [
    chunk({ role: 'assistant', content: '' }),
    ...TEXT_DELTAS.map((content) => chunk({ content })),
    chunk({}, 'stop'),
    usageChunk + DONE,
  ],
  tool: [
    chunk({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          index: 0,
          id: TOOL_CALL.id,
          type: 'function',
          function: { name: TOOL_CALL.name, arguments: '' },
        },
      ],
    }),
    ...ARGUMENT_FRAGMENTS.map((args) =>
      chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }),
    ),
    chunk({}, 'tool_calls'),
    usageChunk + DONE,
  ],
};

const completion = (message: object, finish: string): string =>
  JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: 1,
    model: MODEL,
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { ...USAGE, total_tokens: USAGE.prompt_tokens + USAGE.completion_tokens },
  });
const JSON_ANSWERS = {
  text: completion({ role: 'assistant', content: TEXT }, 'stop'),
  tool: completion(
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: TOOL_CALL.id,
          type: 'function',
          function: { name: TOOL_CALL.name, arguments: ARGUMENT_FRAGMENTS.join('') },
        },
      ],
    },
    'tool_calls',
  ),
};
const ERROR_500 = JSON.stringify({
  error: { message: 'bench: the upstream failed', type: 'server_error', code: null },
});
const ERROR_429 = JSON.stringify({
  error: { message: 'bench: rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
});
const MODELS = JSON.stringify({
  object: 'list',
  data: [{ id: MODEL, object: 'model', created: 1, owned_by: 'bench' }],
});

const STREAM_FLAG = /"stream"\s*:\s*true/;

export interface RunningUpstream {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the upstream on 127.0.0.1. */
export async function startUpstream(options: UpstreamOptions = {}): Promise<RunningUpstream> {
  const gates = new Map<string, () => void>();
  const server = createServer((req, res) => {
    if (req.method === 'GET') return answerGet(req, res, gates);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(Buffer.concat(chunks).toString('latin1'), res, gates, options));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answerGet(
  req: IncomingMessage,
  res: ServerResponse,
  gates: Map<string, () => void>,
): void {
  // The correctness check releases a gated stream once its client has seen the first delta.
  const release = /^\/release\/([\w-]+)$/.exec(req.url ?? '');
  if (release) {
    gates.get(release[1]!)?.();
    res.writeHead(204).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(MODELS);
}

function answer(
  raw: string,
  res: ServerResponse,
  gates: Map<string, () => void>,
  options: UpstreamOptions,
): void {
  const { mode, id } = readModeTag(raw);
  if (mode === 'error500')
    return void res.writeHead(500, { 'content-type': 'application/json' }).end(ERROR_500);
  if (mode === 'error429') {
    return void res
      .writeHead(429, { 'content-type': 'application/json', 'retry-after': RETRY_AFTER })
      .end(ERROR_429);
  }
  const kind = mode === 'tool' ? 'tool' : 'text';
  if (!STREAM_FLAG.test(raw))
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON_ANSWERS[kind]);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const gate = mode === 'gate' ? waitForRelease(gates, id, options.gateTimeoutMs ?? 3000) : null;
  void writeStream(res, STREAMS[kind], options.paceMs ?? 0, gate);
}

/** True when `/release/ID` is called; false after `timeoutMs` (a buffering proxy never gets it). */
function waitForRelease(
  gates: Map<string, () => void>,
  id: string,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    function done(released: boolean) {
      clearTimeout(timer);
      gates.delete(id);
      resolve(released);
    }
    gates.set(id, () => done(true));
  });
}

const TIMED_OUT = chunk({ content: GATE_TIMED_OUT });

async function writeStream(
  res: ServerResponse,
  writes: readonly string[],
  paceMs: number,
  gate: Promise<boolean> | null,
) {
  for (let i = 0; i < writes.length; i++) {
    if (res.destroyed) return;
    res.write(writes[i]);
    // A gated stream holds after its first delta (the role chunk, then the delta) until released.
    if (gate && i === 1 && !(await gate)) res.write(TIMED_OUT);
    else await pause(paceMs);
  }
  res.end();
}

const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

// Run alone (`node --import tsx bench/upstream.ts [port]`): the runner starts it as its own
// process, pinned to its own core, and reads its URL from the first line of stdout.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = await startUpstream({ port: Number(process.argv[2] ?? 0) });
  process.stdout.write(`${upstream.url}\n`);
  process.on('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
}
