import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { Logger } from 'pino';
import type { Plugin } from '../../../core/index.ts';
import type { Storage } from '../../../core/storage.ts';
import { history, openai, usage } from '../../../plugins/index.ts';
import type { Db } from '../../../plugins/storage/db.ts';
import { PostgresDb } from '../../../plugins/storage/postgres.ts';
import { createRedactor } from '../../../plugins/storage/redact.ts';
import { SqlStorage } from '../../../plugins/storage/sql.ts';
import { SqliteDb } from '../../../plugins/storage/sqlite.ts';
import { startTestPostgres } from '../../helpers/postgres.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { scriptedUpstream } from '../../helpers/upstream.ts';
import { answer, tempHome } from './cockpit-helpers.ts';

const postgres = await startTestPostgres({ after });

/**
 * Usage and history on a real database whose queue flushes only when the test says: what the
 * queue holds between two flushes is then the same on every machine.
 */
function storageOn(open: (log: Logger) => Promise<Db>) {
  let store: SqlStorage | undefined;
  const plugin: Plugin = {
    name: 'storage',
    enforce: 'pre',
    async setup(app) {
      const db = await open(app.log);
      store = new SqlStorage(db, {
        log: app.log,
        redact: createRedactor({}),
        flushMs: 3_600_000,
      });
      app.provide('storage', store);
    },
    close: () => store?.close(),
  };
  return { plugin, storage: () => store! as Storage };
}

const ENGINES = [
  {
    name: 'sqlite',
    open: (home: string) => () => {
      const db = new SqliteDb(join(home, 'ccproxy.db'));
      db.migrate();
      return Promise.resolve(db);
    },
  },
  {
    name: 'postgres',
    open: () => async (log: Logger) => {
      const db = new PostgresDb(await postgres.database(), log);
      await db.migrate();
      return db;
    },
  },
];

const reply = 'I read the file; the handler is async now.';
const said = (text: string): MessageParam => ({ role: 'user', content: text });
const answered: MessageParam = { role: 'assistant', content: [{ type: 'text', text: reply }] };

for (const engine of ENGINES)
  test(`${engine.name}: a request whose parts are stored already queues no copy of them, only its new message`, async (t) => {
    const upstream = await scriptedUpstream(t, answer(reply));
    const { plugin, storage } = storageOn(engine.open(tempHome(t)));
    const { client } = await startTestProxy(t, {
      plugins: [
        plugin,
        usage(),
        history(),
        openai({ name: 'openai', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-upstream-0000' }),
      ],
    });
    const ask = (messages: MessageParam[]) =>
      client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        system: 'You are a careful reviewer. '.repeat(200),
        messages,
      });
    const first = [said('Make the request handler async. '.repeat(100))];
    await ask(first);
    const fresh = await storage().health();
    assert.equal(fresh.queued, 1);
    assert.ok(fresh.queuedChars > 8000, `a new conversation is held: ${fresh.queuedChars}`);
    await storage().flush();
    assert.equal((await storage().health()).queuedChars, 0);

    // The same conversation again (Claude Code's retries, a second agent), then the next turn:
    // the system prompt, the first message and the answer are stored, and held by hash only.
    await ask(first);
    const next = said('Now add a test for it.');
    const second = await ask([...first, answered, next]);
    const held = await storage().health();
    assert.equal(held.queued, 2);
    assert.equal(held.queuedChars, JSON.stringify(next).length);

    await storage().flush();
    const detail = await storage().request(second._request_id!);
    assert.deepEqual(detail?.body?.messages, [...first, answered, next]);
    assert.deepEqual(detail?.body?.params, { max_tokens: 64 });
    assert.equal((await storage().health()).queuedChars, 0);
  });
