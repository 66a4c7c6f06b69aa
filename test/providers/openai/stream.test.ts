import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelMap } from '../../../plugins/model-map/index.ts';
import { user } from '../../helpers/proxy.ts';
import { replyJson, sseData } from '../../helpers/upstream.ts';
import {
  callChunk,
  assertGrammar,
  chunk,
  completion,
  openaiReply,
  rawStream,
  setup,
  usageChunk,
} from './helpers.ts';

const hi = { model: 'gpt-4o', max_tokens: 64, messages: [user('hi')] };

/** A promise and the function that settles it, for upstreams that wait on the test. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

test('B1, D16: stream:true with Accept: application/json gets SSE; message_start carries a prompt estimate', async (t) => {
  const { proxy } = await setup(t, openaiReply([chunk({ content: 'ok' }, 'stop')]));
  const { response, events } = await rawStream(proxy, {
    ...hi,
    system: 'A long system prompt. '.repeat(50),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const start = events[0]!.data.message as {
    usage: { input_tokens: number; output_tokens: number };
  };
  assert.ok(start.usage.input_tokens > 250, `estimate ${start.usage.input_tokens}`);
});

test('B7: text before an upstream pause reaches the client before the pause ends', async (t) => {
  const pause = gate();
  const { proxy } = await setup(t, async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sseData(chunk({ role: 'assistant', content: 'first' })));
    await pause.opened;
    res.end(sseData(chunk({ content: ' second' }, 'stop')) + 'data: [DONE]\n\n');
  });
  const stream = proxy.client.messages.stream(hi);
  const firstText = await new Promise<string>((resolve) => stream.on('text', resolve));
  assert.equal(firstText, 'first');
  pause.open();
  assert.equal(((await stream.finalMessage()).content[0] as { text: string }).text, 'first second');
});

test('B8: message_start goes out when the upstream answers; pings flow while it is silent', async (t) => {
  const silence = gate();
  const { proxy } = await setup(
    t,
    async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      await silence.opened;
      res.end(sseData(chunk({ content: 'late' }, 'stop')) + 'data: [DONE]\n\n');
    },
    {},
    { pingIntervalMs: 20 },
  );
  const response = await fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' },
    body: JSON.stringify({ ...hi, stream: true }),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = '';
  while (!seen.includes('event: ping')) seen += (await reader.read()).value ?? '';
  assert.ok(
    seen.indexOf('event: message_start') < seen.indexOf('event: ping'),
    'message_start before any upstream chunk',
  );
  silence.open();
  for (let r = await reader.read(); !r.done; r = await reader.read()) seen += r.value;
  assert.match(seen, /event: message_stop/);
});

test('D7: content and finish_reason in one chunk: the content precedes message_delta', async (t) => {
  const { proxy } = await setup(
    t,
    openaiReply([chunk({ role: 'assistant', content: 'All at once.' }, 'stop'), usageChunk(9, 4)]),
  );
  const { events } = await rawStream(proxy, hi);
  const types = events.map((e) => e.data.type);
  assert.ok(types.indexOf('content_block_delta') < types.indexOf('message_delta'));
  const message = await proxy.client.messages.stream(hi).finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'All at once.' }]);
});

test('D19, D20: a non-streaming client gets JSON: a Message with msg_ id and the model it asked for', async (t) => {
  const { proxy } = await setup(t, openaiReply([], completion({ content: 'Hello' })));
  const response = await fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' },
    body: JSON.stringify({ ...hi, model: 'openai,gpt-4o-mini' }),
  });
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const message = (await response.json()) as Record<string, unknown>;
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.match(String(message.id), /^msg_/);
  assert.equal(message.model, 'openai,gpt-4o-mini');
});

test('D20, H1: Claude tier names map to the configured model; the client sees its own model name', async (t) => {
  const { proxy, upstream } = await setup(
    t,
    openaiReply([chunk({ content: 'ok' }, 'stop')]),
    {},
    {
      plugins: [modelMap({ big: 'openai,gpt-4o', small: 'openai,gpt-4o-mini' })],
    },
  );
  const message = await proxy.client.messages
    .stream({ ...hi, model: 'claude-opus-4-5' })
    .finalMessage();
  assert.equal(upstream.requests[0]!.body.model, 'gpt-4o');
  assert.equal(message.model, 'claude-opus-4-5');
  await proxy.client.messages.stream({ ...hi, model: 'claude-haiku-4-5-20251001' }).finalMessage();
  assert.equal(upstream.requests[1]!.body.model, 'gpt-4o-mini');
  await proxy.client.messages.stream({ ...hi, model: 'openai,gpt-4.1' }).finalMessage();
  assert.equal(upstream.requests[2]!.body.model, 'gpt-4.1');
});

test('D12: streamed arguments that are not JSON never break the stream; the proxy logs them', async (t) => {
  const { proxy } = await setup(
    t,
    openaiReply([
      callChunk(0, "{'command': 'ls'}", { id: 'call_bad', name: 'Bash' }),
      chunk({}, 'tool_calls'),
    ]),
  );
  const tools = [
    {
      name: 'Bash',
      input_schema: { type: 'object' as const, properties: { command: { type: 'string' } } },
    },
  ];
  const { events } = await rawStream(proxy, { ...hi, tools });
  assert.deepEqual(
    events.slice(-2).map((e) => e.data.type),
    ['message_delta', 'message_stop'],
  );
  assert.equal((events.at(-2)!.data.delta as { stop_reason: string }).stop_reason, 'tool_use');
  assert.ok(
    proxy.logs.some((line) => line.msg === 'upstream sent tool arguments that are not JSON'),
  );
});

test('a server ignoring stream:true answers JSON: the streaming client still gets its stream', async (t) => {
  const { proxy } = await setup(t, (_req, res) =>
    replyJson(res, 200, completion({ content: 'Whole.' })),
  );
  const { events } = await rawStream(proxy, hi);
  assertGrammar(events);
  const message = await proxy.client.messages.stream(hi).finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'Whole.' }]);
});

test('E5: a JSON error body sent with status 200 is still an HTTP error', async (t) => {
  const { proxy } = await setup(t, (_req, res) =>
    replyJson(res, 200, {
      error: { message: 'Rate limit exceeded: free-models-per-day', code: 429 },
    }),
  );
  const { response, json } = await rawStream(proxy, hi);
  assert.equal(response.status, 429);
  assert.equal(json.error.type, 'rate_limit_error');
  assert.match(json.error.message, /free-models-per-day/);
});
