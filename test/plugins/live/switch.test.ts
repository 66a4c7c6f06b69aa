import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from '../../../plugins/storage/memory.ts';
import { admin } from '../../../plugins/admin/index.ts';
import { auth } from '../../../plugins/index.ts';
import { fakeProvider, textStream } from '../../helpers/events.ts';
import { user } from '../../helpers/proxy.ts';
import { api, liveProxy } from './helpers.ts';

const ask = (model = 'claude-opus-4-1') => ({
  model,
  max_tokens: 8,
  messages: [user('hi')],
});
const textOf = (message: { content: { type: string; text?: string }[] }) =>
  message.content.map((block) => block.text ?? '').join('');

test('a switch takes effect on the next request; a stream in flight finishes on its target', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = fakeProvider('slow', async function* () {
    const [start, ...rest] = textStream('slow answer');
    yield start!;
    await gate;
    yield* rest;
  });
  const { url, client, b } = await liveProxy(t, { extra: [slow.plugin] });
  assert.equal((await api(url, 'PUT', '/api/switch', { big: 'slow,s1' })).status, 200);

  const stream = await client.messages.create({ ...ask(), stream: true });
  const events = stream[Symbol.asyncIterator]();
  await events.next(); // message_start: the stream is under way on slow,s1

  const switched = await api(url, 'PUT', '/api/switch', { big: 'b,two' });
  assert.equal(switched.status, 200);
  assert.equal(switched.json.big, 'b,two');
  assert.equal(textOf(await client.messages.create(ask())), 'from b');
  assert.equal(b.calls.at(-1)?.target, 'b,two');

  release();
  let text = '';
  for await (const event of { [Symbol.asyncIterator]: () => events })
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
      text += event.delta.text;
  assert.equal(text, 'slow answer');
  assert.deepEqual(
    slow.calls.map((c) => c.target),
    ['slow,s1'],
  );
});

test('a session switch applies to that session only; null goes back to the global target', async (t) => {
  const { url, client, a, b } = await liveProxy(t);
  const put = await api(url, 'PUT', '/api/switch', { session: 'sess-1', small: 'b,two' });
  assert.equal(put.status, 200);
  assert.deepEqual(put.json.sessions, { 'sess-1': { small: 'b,two' } });

  const inSession = { headers: { 'x-claude-code-session-id': 'sess-1' } };
  const elsewhere = { headers: { 'x-claude-code-session-id': 'sess-2' } };
  assert.equal(textOf(await client.messages.create(ask('claude-haiku-4-5'), inSession)), 'from b');
  assert.equal(textOf(await client.messages.create(ask('claude-haiku-4-5'), elsewhere)), 'from a');
  assert.equal(textOf(await client.messages.create(ask('claude-opus-4-1'), inSession)), 'from a');
  assert.equal(a.calls.at(-2)?.target, 'a,small-one');

  await api(url, 'PUT', '/api/switch', { session: 'sess-1', small: null });
  assert.deepEqual((await api(url, 'GET', '/api/switch')).json.sessions, {});
  assert.equal(textOf(await client.messages.create(ask('claude-haiku-4-5'), inSession)), 'from a');
  assert.equal(b.calls.length, 1);
});

test('switches survive a restart on the same storage', async (t) => {
  const storage = new MemoryStorage();
  const first = await liveProxy(t, { storage });
  await api(first.url, 'PUT', '/api/switch', { big: 'b,two' });
  await api(first.url, 'PUT', '/api/switch', { session: 'sess-9', middle: 'b,two' });
  await first.running.close();

  const second = await liveProxy(t, { storage });
  assert.equal(textOf(await second.client.messages.create(ask())), 'from b');
  const view = (await api(second.url, 'GET', '/api/switch')).json;
  assert.deepEqual(view, {
    big: 'b,two',
    middle: 'a,one',
    small: 'a,small-one',
    configured: { big: 'a,one', middle: 'a,one', small: 'a,small-one' },
    sessions: { 'sess-9': { middle: 'b,two' } },
  });
});

for (const c of [
  { body: { big: 'nowhere,model' }, error: /big: unknown provider "nowhere"; configured: .*a, b/ },
  { body: { middle: 'gpt-4o' }, error: /middle: expected "provider,model", got "gpt-4o"/ },
  { body: { small: 'b,' }, error: /small: expected "provider,model"/ },
  { body: { huge: 'b,two' }, error: /huge: unknown tier; expected big, middle, small/ },
  { body: { big: 'b,two', session: 7 }, error: /session: expected a session id string/ },
  { body: { big: 42 }, error: /big: expected "provider,model", got 42/ },
  { body: [], error: /body: expected a JSON object/ },
]) {
  test(`PUT /api/switch ${JSON.stringify(c.body)} is a 400 naming the field, and changes nothing`, async (t) => {
    const { url, client } = await liveProxy(t);
    const before = (await api(url, 'GET', '/api/switch')).json;
    const answer = await api(url, 'PUT', '/api/switch', c.body);
    assert.equal(answer.status, 400);
    assert.equal(answer.json.error.type, 'invalid_request_error');
    assert.match(answer.json.error.message, c.error);
    assert.deepEqual((await api(url, 'GET', '/api/switch')).json, before);
    assert.equal(textOf(await client.messages.create(ask())), 'from a');
  });
}

test('the admin guard: no key and a client key are refused, the admin key passes, a cross-site form post is refused', async (t) => {
  const { url } = await liveProxy(t, {
    extra: [auth({ keys: ['client-key'] }), admin({ keys: ['admin-key'] })],
  });
  const body = { big: 'b,two' };
  assert.equal((await api(url, 'GET', '/api/switch')).status, 401);
  assert.equal(
    (await api(url, 'PUT', '/api/switch', body, { 'x-api-key': 'client-key' })).status,
    401,
  );
  const form = await api(url, 'PUT', '/api/switch', 'big=b%2Ctwo', {
    'content-type': 'application/x-www-form-urlencoded',
    origin: 'https://evil.example',
    'sec-fetch-site': 'cross-site',
    'x-api-key': 'admin-key',
  });
  assert.equal(form.status, 403);
  const read = await api(url, 'GET', '/api/switch', undefined, {
    authorization: 'Bearer admin-key',
  });
  assert.equal(read.json.big, 'a,one', 'the refused calls changed nothing');
  const ok = await api(url, 'PUT', '/api/switch', body, { 'x-api-key': 'admin-key' });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.big, 'b,two');
});
