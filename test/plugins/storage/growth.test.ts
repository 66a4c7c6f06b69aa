import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { SqliteDb } from '../../../plugins/storage/sqlite.ts';
import { answer, startCockpit, tempHome } from './cockpit-helpers.ts';

const SESSION = '5d1c6e0a-2222-4a3b-8c7d-9e8f7a6b5c4d';
const WORDS =
  'the function returns a promise when the file is read and the test checks each line of output for errors in config parsing'.split(
    ' ',
  );

/** About `bytes` of code-review prose, different for each seed. */
function prose(seed: number, bytes: number): string {
  const out: string[] = [];
  for (let i = 0, n = seed; out.join(' ').length < bytes; i++) {
    n = (n * 1103515245 + 12345) % 2 ** 31;
    out.push(WORDS[n % WORDS.length]!, i % 17 === 0 ? `line${n % 997}.` : '');
  }
  return out.join(' ');
}

const size = (dir: string): number =>
  readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);

test('history: a 30-turn Claude Code-shaped session grows the database by less than 3× its final request body', async (t) => {
  const reply = 'I looked at the file and the fix is to check the config before parsing it.';
  const { client, storage, home } = await startCockpit(t, { upstream: answer(reply) });
  const system = [
    {
      type: 'text' as const,
      text: prose(1, 20_000),
      cache_control: { type: 'ephemeral' as const },
    },
  ];
  // An empty database, migrated and checkpointed, is what the session's growth is measured from.
  const empty = new SqliteDb(join(tempHome(t), 'empty.db'));
  empty.migrate();
  await empty.close();
  const before = size(dirname(empty.file));
  const messages: MessageParam[] = [];
  let body = '';
  for (let turn = 0; turn < 30; turn++) {
    // Claude Code marks the last message as a cache breakpoint; it moves every turn.
    const last: MessageParam = {
      role: 'user',
      content: [
        { type: 'text', text: prose(turn + 2, 1500), cache_control: { type: 'ephemeral' } },
      ],
    };
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      system,
      messages: [...messages, last],
    };
    body = JSON.stringify(request);
    await client.messages.create(request, { headers: { 'x-claude-code-session-id': SESSION } });
    messages.push({ role: 'user', content: [{ type: 'text', text: prose(turn + 2, 1500) }] });
    messages.push({ role: 'assistant', content: [{ type: 'text', text: reply }] });
    await storage.flush();
  }
  await storage.close();
  const growth = size(home) - before;
  t.diagnostic(
    `final body ${body.length} B, database growth ${growth} B (${(growth / body.length).toFixed(2)}×)`,
  );
  assert.ok(growth < 3 * body.length, `grew ${growth} B for a ${body.length} B final body`);
});
