import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { fakeProvider, textStream } from '../helpers/events.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { validBody } from '../fuzz/cases.ts';

type Body = Record<string, any>;

/** `{"a":[{"a":[…]}]}` `depth` levels deep, as JSON text (JSON.stringify overflows on it). */
const deepText = (depth: number) => '{"a":['.repeat(depth / 2) + '1' + ']}'.repeat(depth / 2);
const DEEP = '__deep__';

/** Each case breaks one field of a valid Claude Code body; the message names the field. */
const CASES: [name: string, change: (b: Body) => void, message: RegExp][] = [
  ['text null', (b) => (b.messages[2].content[1].text = null), /messages\.2\.content\.1\.text: /],
  ['text missing', (b) => delete b.messages[2].content[1].text, /content\.1\.text: Field required/],
  ['text a number', (b) => (b.messages[2].content[1].text = 5), /content\.1\.text: .*string/],
  ['system text null', (b) => (b.system[1].text = null), /system\.1\.text: /],
  ['system text missing', (b) => delete b.system[0].text, /system\.0\.text: Field required/],
  [
    'a system block not text',
    (b) => (b.system[1] = { type: 'made_up_block', x: 1 }),
    /system\.1\.type: Input should be 'text'/,
  ],
  ['image without source', (b) => delete b.messages[2].content[2].source, /2\.source: Field/],
  ['image source a string', (b) => (b.messages[2].content[2].source = 'x'), /2\.source: /],
  ['base64 image without data', (b) => delete b.messages[2].content[2].source.data, /data: /],
  ['document without source', (b) => delete b.messages[2].content[3].source, /3\.source: /],
  ['tool_use without id', (b) => delete b.messages[1].content[3].id, /3\.id: Field required/],
  ['tool_use with a numeric id', (b) => (b.messages[1].content[3].id = 5), /3\.id: /],
  ['tool_use input a string', (b) => (b.messages[1].content[3].input = 'ls'), /3\.input: /],
  [
    'tool_result without tool_use_id',
    (b) => delete b.messages[2].content[0].tool_use_id,
    /0\.tool_use_id: /,
  ],
  ['tool_result content a number', (b) => (b.messages[2].content[0].content = 5), /0\.content: /],
  ['tool_result content an object', (b) => (b.messages[2].content[0].content = {}), /0\.content: /],
  [
    'tool_result content [null]',
    (b) => (b.messages[2].content[0].content = [null]),
    /content\.0\.content\.0: /,
  ],
  ['thinking without thinking', (b) => delete b.messages[1].content[0].thinking, /0\.thinking: /],
  ['redacted_thinking without data', (b) => delete b.messages[1].content[1].data, /1\.data: /],
  ['a block without type', (b) => delete b.messages[2].content[1].type, /1\.type: Field required/],
  ['a message that is a string', (b) => (b.messages[0] = 'hi'), /messages\.0: /],
  ['an unknown role', (b) => (b.messages[0].role = 'robot'), /messages\.0\.role: /],
  ['input_schema a string', (b) => (b.tools[0].input_schema = 'x'), /tools\.0\.input_schema: /],
  ['tool name a number', (b) => (b.tools[0].name = 5), /tools\.0\.name: /],
  ['thinking a number', (b) => (b.thinking = 1.5), /thinking: /],
  ['stream a string', (b) => (b.stream = 'yes'), /stream: /],
  ['temperature 1e400', (b) => (b.temperature = Infinity), /temperature: /],
  ['model with a NUL', (b) => (b.model = 'claude-\u0000'), /model: control characters/],
  ['model outside Latin-1', (b) => (b.model = 'openai,stall|中'), /model: control characters/],
  ['model empty', (b) => (b.model = ''), /model: /],
  [
    'tool_use input 10,000 deep',
    (b) => (b.messages[1].content[3].input = DEEP),
    /content\.3: nesting/,
  ],
  [
    'tool_result 10,000 deep',
    (b) => (b.messages[2].content[0].content = [{ type: 'text', text: 'x', extra: DEEP }]),
    /content\.0\.content\.0: nesting/,
  ],
  [
    'input_schema 10,000 deep',
    (b) => (b.tools[0].input_schema.properties = DEEP),
    /tools\.0: nesting/,
  ],
  [
    'an unknown field 10,000 deep',
    (b) => (b.context_management = DEEP),
    /context_management: nesting/,
  ],
];

async function post(url: string, text: string) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
    body: text,
  });
  return { status: res.statusCode, json: (await res.body.json()) as Body };
}

test('every malformed field gets 400 invalid_request_error naming it, on both endpoints, before any upstream call', async (t) => {
  const provider = fakeProvider('p', () => textStream('ok'), ['model-a']);
  const { url } = await startTestProxy(t, { plugins: [provider.plugin] });
  for (const [name, change, message] of CASES) {
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const body = validBody('p,model-a', false);
      change(body);
      const res = await post(
        `${url}${path}`,
        JSON.stringify(body).replace(`"${DEEP}"`, deepText(10_000)),
      );
      assert.equal(res.status, 400, `${name} on ${path}`);
      assert.equal(res.json.error.type, 'invalid_request_error', `${name} on ${path}`);
      assert.match(res.json.error.message, message, `${name} on ${path}`);
    }
  }
  assert.equal(provider.calls.length, 0);
});

test('unknown block types, unknown fields and every block type Claude Code sends pass the check', async (t) => {
  const provider = fakeProvider('p', () => textStream('ok'), ['model-a']);
  const { url } = await startTestProxy(t, { plugins: [provider.plugin] });
  const body = validBody('p,model-a', false);
  body.messages[2].content.push(
    { type: 'container_upload', file_id: 'f', future_field: { a: [1] } },
    { type: 'search_result', source: 's', title: 't', content: [{ type: 'text', text: 'x' }] },
  );
  body.messages[1].content.push({
    type: 'server_tool_use',
    id: 'srvtoolu_1',
    name: 'web_search',
    input: {},
  });
  body.output_config = { effort: 'high' };
  const res = await post(`${url}/v1/messages`, JSON.stringify(body));
  assert.equal(res.status, 200, JSON.stringify(res.json));
  const count = await post(`${url}/v1/messages/count_tokens`, JSON.stringify(body));
  assert.equal(typeof count.json.input_tokens, 'number');
  assert.deepEqual(provider.calls[0]?.request.messages[2]?.content.at(-2), {
    type: 'container_upload',
    file_id: 'f',
    future_field: { a: [1] },
  });
});
