import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ConfigError } from 'ccproxy';
import { openai } from 'ccproxy/plugins';
import { startTestProxy, user } from '../../../test/helpers/proxy.ts';
import { scriptedUpstream, type UpstreamHandler } from '../../../test/helpers/upstream.ts';
import { chunk, completion, openaiReply } from '../../../test/providers/openai/helpers.ts';
import { secretGuard, type SecretGuardOptions } from '../index.ts';

const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwx';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const GITHUB_TOKEN = `ghp_${'a1B2c3D4e5'.repeat(4)}`;

async function guarded(t: TestContext, handler: UpstreamHandler, options?: SecretGuardOptions) {
  const upstream = await scriptedUpstream(t, handler);
  const { client } = await startTestProxy(t, {
    plugins: [
      secretGuard(options),
      openai({ name: 'openai', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-upstream' }),
    ],
  });
  return { upstream, client };
}

test('secrets in the system prompt, the messages and tool results never reach the provider', async (t) => {
  const { upstream, client } = await guarded(t, openaiReply([], completion({ content: 'ok' })));
  await client.messages.create({
    model: 'gpt-4o',
    max_tokens: 16,
    system: `Deploy with ${OPENAI_KEY}.`,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: `my AWS key is ${AWS_KEY}; see task-list-abcdefghijklmnopqr` },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call_1', name: 'read_env', input: {} }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: `GITHUB_TOKEN=${GITHUB_TOKEN}` },
        ],
      },
    ],
  });
  const sent = upstream.requests[0]!.raw;
  for (const secret of [OPENAI_KEY, AWS_KEY, GITHUB_TOKEN])
    assert.ok(!sent.includes(secret), `${secret.slice(0, 4)}… was masked`);
  assert.match(sent, /Deploy with \[REDACTED\]\./);
  assert.match(sent, /GITHUB_TOKEN=\[REDACTED\]/);
  assert.match(
    sent,
    /task-list-abcdefghijklmnopqr/,
    'a word that merely contains "sk-" is left alone',
  );
});

// The model repeats a key, split over deltas the way tokenizers cut it.
const leaky = openaiReply(
  [
    chunk({ role: 'assistant', content: 'Your key is s' }),
    chunk({ content: 'k-proj-abcdefghij' }),
    chunk({ content: 'klmnopqrstuvwx, keep it ' }),
    chunk({ content: `safe. Mine: ${AWS_KEY}` }, 'stop'),
  ],
  completion({ content: `Your key is ${OPENAI_KEY}, keep it safe. Mine: ${AWS_KEY}` }),
);
const masked = 'Your key is [REDACTED], keep it safe. Mine: [REDACTED]';

test('a secret streamed across deltas, and one ending the answer, reach a streaming client masked', async (t) => {
  const { client } = await guarded(t, leaky);
  const seen: string[] = [];
  const stream = client.messages.stream({
    model: 'gpt-4o',
    max_tokens: 64,
    messages: [user('what is my key?')],
  });
  stream.on('text', (text) => seen.push(text));
  const message = await stream.finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: masked }]);
  assert.ok(
    !seen.some((text) => /proj|abcdef|AKIA/.test(text)),
    `no delta carries a piece of a secret: ${JSON.stringify(seen)}`,
  );
});

test('a non-streaming client gets the same masked answer', async (t) => {
  const { client } = await guarded(t, leaky);
  const message = await client.messages.create({
    model: 'gpt-4o',
    max_tokens: 64,
    messages: [user('what is my key?')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: masked }]);
});

test('answers: false leaves the answer alone; mask sets the replacement', async (t) => {
  const { upstream, client } = await guarded(t, leaky, { answers: false, mask: '«secret»' });
  const message = await client.messages
    .stream({ model: 'gpt-4o', max_tokens: 64, messages: [user(`is ${AWS_KEY} mine?`)] })
    .finalMessage();
  assert.deepEqual(message.content, [
    { type: 'text', text: `Your key is ${OPENAI_KEY}, keep it safe. Mine: ${AWS_KEY}` },
  ]);
  assert.match(upstream.requests[0]!.raw, /is «secret» mine\?/);
});

test('a misspelt option stops start-up with a did-you-mean', () => {
  assert.throws(
    () => secretGuard({ answer: false } as SecretGuardOptions),
    (e: unknown) =>
      e instanceof ConfigError &&
      /plugins \(secret-guard\): options: unknown option "answer"; did you mean "answers"\?/.test(
        e.message,
      ),
  );
});
