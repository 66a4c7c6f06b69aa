import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/**
 * Seeded generation of malformed requests for the fuzz test: the same seed gives the same cases,
 * so a failure found once is found again.
 */

/** One request to send: method, path, headers and the body's bytes. */
export interface FuzzCase {
  kind: string;
  /** What was changed, for the report (`messages.1.content.3.id = null`). */
  note?: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** mulberry32: a small, well-spread 32-bit PRNG; `next()` in [0, 1). */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const MODELS = [
  'openai,gpt-4o',
  'anthropic,claude-sonnet-4-5',
  'gemini,gemini-2.5-pro',
  'responses,gpt-5-codex',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
];
const BAD_MODELS = [
  '',
  'claude-\u0000',
  'openai,stall|中',
  'openai,gpt-4o\r\nx-injected: 1',
  'openai,\ud800',
  'nope,model',
  ',',
  'openai,',
  'x'.repeat(5000),
  'claude-\u007f',
  'gemini,../../v1/x?y=1#z',
];

/** A Claude Code-like body holding every block type it and the SDK send. */
export function validBody(model: string, stream: boolean): Record<string, any> {
  const image = { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' };
  return {
    model,
    max_tokens: 512,
    stream,
    system: [
      { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Be brief.' },
    ],
    tools: [
      {
        name: 'Bash',
        description: 'Runs a command',
        input_schema: {
          type: 'object',
          properties: { command: { type: 'string' } },
          required: ['command'],
        },
      },
    ],
    tool_choice: { type: 'auto' },
    thinking: { type: 'enabled', budget_tokens: 1024 },
    metadata: { user_id: 'u' },
    messages: [
      { role: 'user', content: 'list files' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'use ls', signature: 'EqQBsig' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Running ls.' },
          { type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: 'a.txt' },
          { type: 'text', text: 'and this picture', cache_control: { type: 'ephemeral' } },
          { type: 'image', source: image },
          {
            type: 'document',
            source: { type: 'text', media_type: 'text/plain', data: 'notes' },
            title: 'notes',
          },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_02', name: 'Bash', input: { command: 'pwd' } }],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_02',
            is_error: false,
            content: [
              { type: 'text', text: '/home' },
              { type: 'image', source: image },
            ],
          },
        ],
      },
    ],
  };
}

const VALUES: readonly (() => unknown)[] = [
  () => undefined, // deletes the field
  () => null,
  () => 5,
  () => -1,
  () => 1.5,
  () => 1e308,
  () => '',
  () => 'x',
  () => true,
  () => ({}),
  () => [],
  () => [null],
  () => [5],
  () => ({ type: 'text' }),
  () => ({ type: 'made_up_block', x: 1 }),
  () => ({ type: 'tool_use' }),
  () => deep(10_000),
  () => deep(200),
];

/**
 * A value `depth` levels deep (`{"a":[{"a":[…]}]}`): a marker in the object, replaced by its text
 * in `stringify` (JSON.stringify itself overflows the stack on such depths).
 */
const deep = (depth: number): string => `\u0000deep:${depth}`;

function stringify(body: unknown): string {
  return JSON.stringify(body).replace(/"\\u0000deep:(\d+)"/g, (_, depth: string) => {
    const n = Number(depth);
    return '{"a":['.repeat(n / 2) + '1' + ']}'.repeat(n / 2);
  });
}

/** Every path to a value inside `value` (object keys and array indexes). */
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...at, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      paths(child, path, out);
    }
  }
  return out;
}

function setAt(root: any, path: (string | number)[], value: unknown): void {
  let parent = root;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path.at(-1)!;
  if (value === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = value;
}

function mutated(rng: Random): FuzzCase {
  const body = validBody(rng.pick(MODELS), rng.next() < 0.5);
  const notes: string[] = [];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const path = rng.pick(paths(body));
    const value = rng.pick(VALUES)();
    setAt(body, path, value);
    notes.push(`${path.join('.')} = ${String(JSON.stringify(value)).slice(0, 40)}`);
  }
  return { ...json('mutation', rng.pick(ENDPOINTS), stringify(body)), note: notes.join('; ') };
}

const ENDPOINTS = [
  '/v1/messages',
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/api/route/explain',
];

function json(kind: string, path: string, text: string | Buffer): FuzzCase {
  return {
    kind,
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(text),
  };
}

function badModel(rng: Random): FuzzCase {
  const model = rng.pick(BAD_MODELS);
  const body = validBody(model, rng.next() < 0.5);
  return { ...json('model', rng.pick(ENDPOINTS), stringify(body)), note: JSON.stringify(model) };
}

/** Texts that are not a JSON object, or not JSON at all. */
const RAW = [
  '',
  '{',
  '{"model": ',
  'null',
  '[]',
  '5',
  '"text"',
  'true',
  '{"model": "openai,gpt-4o", "max_tokens": 1, "messages": [}',
  '{"a":1}{"b":2}',
  '\u0000\u0001',
  'model=x&max_tokens=1',
];

function raw(rng: Random): FuzzCase {
  return json('non-json', rng.pick(ENDPOINTS), rng.pick(RAW));
}

/** A valid body whose strings hold bytes that are not UTF-8. */
function invalidUtf8(rng: Random): FuzzCase {
  const text = stringify(validBody(rng.pick(MODELS), rng.next() < 0.5));
  const at = text.indexOf(rng.pick(['list files', 'Be brief.', 'ls', 'a.txt', 'gpt']));
  const bytes = Buffer.from(text);
  const bad = Buffer.from([rng.pick([0xff, 0xc3, 0xed, 0x80, 0xf4])]);
  const cut = at < 0 ? 10 : Buffer.byteLength(text.slice(0, at)) + 1;
  return json(
    'utf8',
    rng.pick(ENDPOINTS),
    Buffer.concat([bytes.subarray(0, cut), bad, bytes.subarray(cut)]),
  );
}

/** Numbers at their edges, as JSON text (so 1e400 and -0 arrive as written). */
function numbers(rng: Random): FuzzCase {
  const field = rng.pick(['max_tokens', 'temperature', 'top_p', 'top_k']);
  const value = rng.pick(['1e400', '-1e400', '-0', '1.5', '-1', '0', '9007199254740993', '1e-400']);
  const body = stringify(validBody(rng.pick(MODELS), rng.next() < 0.5)).replace(
    /^\{/,
    `{"${field}": ${value}, `,
  );
  return json('numbers', rng.pick(ENDPOINTS), body);
}

/** `__proto__`, `constructor` and `prototype` as keys where the proxy merges or reads fields. */
function proto(rng: Random): FuzzCase {
  const key = rng.pick(['__proto__', 'constructor', 'prototype']);
  const where = rng.pick(['{', '"input": {', '"metadata": {', '"input_schema": {']);
  const text = stringify(validBody(rng.pick(MODELS), rng.next() < 0.5));
  const at = where === '{' ? 0 : text.indexOf(where);
  const cut = (at < 0 ? 0 : at) + where.length;
  const injected = `"${key}": {"model": "x", "max_tokens": "y", "polluted": true}, `;
  return json('proto', rng.pick(ENDPOINTS), text.slice(0, cut) + injected + text.slice(cut));
}

/** A valid body with one field 10,000 levels deep (or the whole body nested). */
function nesting(rng: Random): FuzzCase {
  const body = validBody(rng.pick(MODELS), rng.next() < 0.5);
  const depth = rng.pick([10_000, 50_000]);
  const where = rng.int(4);
  if (where === 0) body.messages[1].content[3].input = deep(depth);
  else if (where === 1) body.messages[2].content[0].content = [deep(depth)];
  else if (where === 2) body.tools[0].input_schema.properties = deep(depth);
  else body.metadata = deep(depth);
  const note = ['tool_use input', 'tool_result content', 'input_schema', 'metadata'][where]!;
  return { ...json('nesting', rng.pick(ENDPOINTS), stringify(body)), note };
}

const ENCODERS: Record<string, (b: Buffer) => Buffer> = {
  gzip: gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
};

/** Compressed bodies: well-formed, not compressed at all, cut short, or an unknown encoding. */
function encoding(rng: Random): FuzzCase {
  const name = rng.pick(['gzip', 'deflate', 'br', 'zstd', 'identity', 'gzip, br']);
  const text = Buffer.from(stringify(validBody(rng.pick(MODELS), false)));
  const encode = ENCODERS[name];
  const style = rng.int(3);
  let body: Buffer = text;
  if (encode && style === 0) body = encode(text);
  else if (encode && style === 1) body = encode(text).subarray(0, 20);
  const c = json('encoding', rng.pick(ENDPOINTS), body);
  c.headers['content-encoding'] = name;
  return { ...c, note: `${name} ${['encoded', 'plain', 'cut'][style]}` };
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/xml',
  '',
];

function contentType(rng: Random): FuzzCase {
  const c = json(
    'content-type',
    rng.pick(ENDPOINTS),
    stringify(validBody(rng.pick(MODELS), false)),
  );
  const type = rng.pick(CONTENT_TYPES);
  if (type) c.headers['content-type'] = type;
  else delete c.headers['content-type'];
  return c;
}

const METHODS = ['GET', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'OPTIONS', 'POST', 'HEAD'];
const PATHS = [
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/v1/models',
  '/v1/models/openai,gpt-4o',
  '/v1/models/%zz',
  '/',
  '/api/hello',
  '/health',
  '/api/route/explain',
  '/api/event_logging/batch',
  '/nope',
  '/v1/messages/../x',
  '//',
  '/v1/messages?beta=true&x=%',
];

function route(rng: Random): FuzzCase {
  const method = rng.pick(METHODS);
  const hasBody = method !== 'GET' && method !== 'HEAD' && method !== 'TRACE';
  return {
    kind: 'route',
    method,
    path: rng.pick(PATHS),
    headers: hasBody ? { 'content-type': 'application/json' } : {},
    body: hasBody
      ? Buffer.from('{"model":"openai,gpt-4o","max_tokens":1,"messages":[]}')
      : undefined,
  };
}

const KINDS: [weight: number, make: (rng: Random) => FuzzCase][] = [
  [40, mutated],
  [6, badModel],
  [6, raw],
  [5, invalidUtf8],
  [6, numbers],
  [6, proto],
  [4, nesting],
  [8, encoding],
  [5, contentType],
  [14, route],
];
const TOTAL = KINDS.reduce((sum, [weight]) => sum + weight, 0);

/** `count` cases drawn from `seed`. */
export function generateCases(seed: number, count: number): FuzzCase[] {
  const rng = random(seed);
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    let roll = rng.int(TOTAL);
    const [, make] = KINDS.find(([weight]) => (roll -= weight) < 0)!;
    cases.push(make(rng));
  }
  return cases;
}
