import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { calcPrice } from '@pydantic/genai-prices';
import type { RequestRow } from '../../../core/storage.ts';
import { router } from '../../../plugins/index.ts';
import { keyId } from '../../../plugins/usage/row.ts';
import { user } from '../../helpers/proxy.ts';
import { replyJson } from '../../helpers/upstream.ts';
import { startTestPostgres } from '../../helpers/postgres.ts';
import { answer, startCockpit } from './cockpit-helpers.ts';

const SESSION = '0b6f7a52-1111-4c3b-9d7e-3f2a1c9e8d70';
const ask = (text: string, model = 'claude-sonnet-4-5') => ({
  model,
  max_tokens: 64,
  messages: [user(text)],
});

/** Each test runs on both engines: SQLite (a file in the test's home) and PostgreSQL. */
const postgres = await startTestPostgres({ after });
const ENGINES = [
  {
    name: 'sqlite',
    url: () => Promise.resolve(undefined),
    /** What the database holds, as bytes: every file of the home (database, WAL). */
    stored: (home: string) =>
      Promise.resolve(
        readdirSync(home).map((file): [string, Buffer] => [file, readFileSync(join(home, file))]),
      ),
  },
  {
    name: 'postgres',
    url: async () => (last = await postgres.database()),
    /** Every row of every table, as text. */
    stored: async (): Promise<[string, Buffer][]> => {
      const client = new pg.Client(last);
      await client.connect();
      try {
        const tables = ['requests', 'parts', 'history', 'settings'];
        const dump = await Promise.all(
          tables.map(async (table) => {
            const { rows } = await client.query<{ t: string }>(
              `SELECT t::text AS t FROM ${table} t`,
            );
            return [table, Buffer.from(rows.map((r) => r.t).join('\n'))] as [string, Buffer];
          }),
        );
        return dump;
      } finally {
        await client.end();
      }
    },
  },
];
let last = '';

for (const engine of ENGINES) {
  test(`(${engine.name}) usage: a row per request with the upstream usage, cost at the real price and savings vs Anthropic list`, async (t) => {
    const { client, storage, admin } = await startCockpit(t, {
      storage: await engine.url(),
      apiKey: 'sk-client-visible-key-1234',
      plugins: [router({ routes: { 'claude-sonnet-4-5': 'openai,gpt-4o' } })],
    });
    const streamed = await client.messages
      .stream(ask('stream please'), { headers: { 'x-claude-code-session-id': SESSION } })
      .finalMessage();
    const plain = await client.messages.create(ask('plain please'), {
      headers: { 'x-claude-code-session-id': SESSION },
    });
    await storage.flush();
    const page = await admin<{ items: RequestRow[] }>(`/api/requests?session=${SESSION}`);
    assert.equal(page.status, 200);
    const [second, first] = page.body.items;
    assert.equal(streamed.content[0]?.type, 'text');
    for (const [row, stream] of [
      [first!, true],
      [second!, false],
    ] as const) {
      assert.equal(row.stream, stream);
      assert.equal(row.session_id, SESSION);
      assert.equal(row.key_id, keyId('sk-client-visible-key-1234'));
      assert.equal(row.provider, 'openai');
      assert.equal(row.requested_model, 'claude-sonnet-4-5');
      // OpenAI's 120 prompt tokens include 20 cached: 100 uncached input, 20 cache reads.
      assert.deepEqual(
        [row.input_tokens, row.cache_read_input_tokens, row.output_tokens, row.status],
        [100, 20, 7, 200],
      );
      assert.ok(row.ttft_ms !== null && row.ttft_ms >= 0);
      const usage = {
        input_tokens: 120,
        cache_read_tokens: 20,
        cache_write_tokens: 0,
        output_tokens: 7,
      };
      assert.equal(row.model, 'gpt-4o');
      const real = calcPrice(usage, row.model, { providerId: 'openai' })!.total_price;
      const list = calcPrice(usage, 'claude-sonnet-4-5', { providerId: 'anthropic' })!.total_price;
      assert.ok(real > 0 && list > real);
      assert.equal(row.cost_usd!.toFixed(9), real.toFixed(9));
      assert.equal(row.saved_usd!.toFixed(9), (list - real).toFixed(9));
      assert.match(row.price_source!, /^genai-prices@/);
    }
    assert.equal(plain.content[0]!.type, 'text');
    // The key itself is nowhere in what the API answers.
    assert.doesNotMatch(JSON.stringify(page.body), /sk-client-visible-key/);
  });

  test(`(${engine.name}) pricing: a config price wins; a model with no price is unpriced (null), never $0`, async (t) => {
    const { client, storage, admin } = await startCockpit(t, {
      storage: await engine.url(),
      config: { pricing: { 'openai,house-model': { input: 1, output: 2, cacheRead: 0.5 } } },
      plugins: [
        router({ default: 'openai,house-model', routes: { mystery: 'openai,no-such-model-xyz' } }),
      ],
    });
    await client.messages.create(ask('hi'));
    await client.messages.create(ask('hi', 'mystery'));
    await storage.flush();
    const { body } = await admin<{ items: RequestRow[] }>('/api/requests');
    const [unpriced, priced] = body.items;
    assert.equal(priced!.model, 'house-model');
    assert.equal(priced!.cost_usd, (100 * 1 + 7 * 2 + 20 * 0.5) / 1e6);
    assert.equal(priced!.price_source, 'config');
    assert.equal(unpriced!.model, 'no-such-model-xyz');
    assert.equal(unpriced!.cost_usd, null);
    assert.equal(unpriced!.saved_usd, null);
    assert.equal(unpriced!.price_source, null);
    const usage = await admin<{ total: { cost_usd: number; unpriced_requests: number } }>(
      '/api/usage?by=model',
    );
    assert.equal(usage.body.total.cost_usd, priced!.cost_usd);
    assert.equal(usage.body.total.unpriced_requests, 1);
  });

  test(`(${engine.name}) fallbacks: the hops the router made are in the row`, async (t) => {
    const failing = (_req: unknown, res: import('node:http').ServerResponse) =>
      replyJson(res, 500, { error: { message: 'upstream broke', type: 'server_error' } });
    const { client, storage, admin } = await startCockpit(t, {
      storage: await engine.url(),
      upstream: [failing, answer('from the fallback')],
      plugins: [
        router({
          default: 'openai,gpt-4o',
          fallbacks: { 'openai,gpt-4o': ['openai,gpt-4o-mini'] },
          retry: false,
        }),
      ],
    });
    const message = await client.messages.create(ask('hi'));
    await storage.flush();
    const { body } = await admin<{ items: RequestRow[] }>('/api/requests');
    const row = body.items[0]!;
    assert.equal(message.content[0]?.type, 'text');
    assert.equal(row.model, 'gpt-4o-mini');
    assert.deepEqual(
      row.attempts.map((a) => [a.target, a.error === undefined]),
      [
        ['openai,gpt-4o', false],
        ['openai,gpt-4o-mini', true],
      ],
    );
  });

  test(`(${engine.name}) history: bodies redacted before writing; search finds prompt and answer words; bad params get 400`, async (t) => {
    const secret = 'sk-ant-api03-AAAABBBBCCCCDDDDEEEEFFFF0000';
    const configured = 'my-own-provider-secret-42';
    const { client, storage, admin, home } = await startCockpit(t, {
      storage: await engine.url(),
      upstream: answer('the zebra answer'),
      env: { DEEPSEEK_API_KEY: configured },
    });
    const message = await client.messages.create({
      ...ask(`my key is ${secret} and ${configured}, find the aardvark`),
      // Kept with the body, for "copy as curl": redacted like the rest.
      stop_sequences: [`stop at ${configured}`],
    });
    await storage.flush();
    const found = await admin<{ items: RequestRow[] }>('/api/requests?q=aardvark');
    assert.equal(found.body.items.length, 1);
    const id = found.body.items[0]!.id;
    assert.equal(
      (await admin<{ items: RequestRow[] }>('/api/requests?q=zebra')).body.items[0]?.id,
      id,
    );
    assert.equal(
      (await admin<{ items: RequestRow[] }>('/api/requests?q=giraffe')).body.items.length,
      0,
    );
    const detail = await admin<{
      request: { messages: unknown[]; params: unknown };
      response: { content: unknown[] };
    }>(`/api/requests/${id}`);
    assert.deepEqual(detail.body.request.params, {
      max_tokens: 64,
      stop_sequences: ['stop at [REDACTED]'],
    });
    const shown = JSON.stringify(detail.body);
    assert.match(shown, /find the aardvark/);
    assert.match(shown, /the zebra answer/);
    assert.doesNotMatch(shown, /sk-ant-api03|my-own-provider-secret/);
    assert.match(shown, /\[REDACTED\]/);
    assert.ok(message.id);
    await storage.close();
    const stored = await engine.stored(home);
    // The dump is of what was written: the prompt is in it, its secrets are not.
    assert.ok(stored.some(([, bytes]) => bytes.includes('find the aardvark')));
    for (const [file, bytes] of stored) {
      assert.equal(bytes.includes(secret), false, `${file} holds the vendor key`);
      assert.equal(bytes.includes(configured), false, `${file} holds the configured key`);
    }
    for (const [query, expected] of [
      ['/api/requests?limit=0', /limit: expected an integer from 1 to 500/],
      ['/api/requests?cursor=nonsense', /cursor: expected the next_cursor/],
      ['/api/usage?by=planet', /by: expected one of model, provider, session, key, day/],
      ['/api/usage?from=yesterday', /from: expected an ISO 8601 time/],
    ] as const) {
      const { status, body } = await admin<{ error: { type: string; message: string } }>(query);
      assert.equal(status, 400, query);
      assert.equal(body.error.type, 'invalid_request_error');
      assert.match(body.error.message, expected);
    }
  });

  test(`(${engine.name}) budgets: over the session budget, a 402 billing_error naming it; other sessions go on`, async (t) => {
    const { client, storage, admin } = await startCockpit(t, {
      storage: await engine.url(),
      config: { budgets: { session: 0.000001 } },
    });
    const headers = { 'x-claude-code-session-id': SESSION };
    await client.messages.create(ask('first'), { headers });
    await storage.flush();
    await assert.rejects(client.messages.create(ask('second'), { headers }), (e: unknown) => {
      const error = e as { status: number; error: { error: { type: string; message: string } } };
      assert.equal(error.status, 402);
      assert.equal(error.error.error.type, 'billing_error');
      assert.match(
        error.error.error.message,
        /session budget of \$0\.00 is spent; start a new session/,
      );
      return true;
    });
    await client.messages.create(ask('other'), {
      headers: { 'x-claude-code-session-id': 'another' },
    });
    const line = await admin<{ text: string; budget: { budget: string; left_usd: number } }>(
      `/api/statusline?session=${SESSION}`,
    );
    assert.equal(line.body.budget.budget, 'session');
    assert.ok(line.body.budget.left_usd < 0);
    assert.match(line.body.text, /claude-sonnet-4-5 → openai,/);
  });
}
