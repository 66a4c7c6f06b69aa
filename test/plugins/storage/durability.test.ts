import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { clientFor, openaiEnv, runCli, tempDir } from '../../cli/helpers.ts';
import { user } from '../../helpers/proxy.ts';
import { scriptedUpstream } from '../../helpers/upstream.ts';
import { answer } from './cockpit-helpers.ts';

const ask = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [user('hi')] };

/** Rows in the env default's database (`$HOME/.ccproxy/ccproxy.db`), read by another connection. */
function rowsIn(home: string): number {
  const db = new Database(join(home, '.ccproxy', 'ccproxy.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** `npx ccproxy` on the env defaults (the cockpit on), answered by a scripted upstream. */
async function startDaemon(t: import('node:test').TestContext) {
  const upstream = await scriptedUpstream(t, answer('ok'));
  // The working directory is also HOME: the database goes to $HOME/.ccproxy/ccproxy.db.
  const home = tempDir(t);
  const cli = runCli(t, { cwd: home, env: openaiEnv(upstream.url) });
  const url = await cli.listening();
  return { cli, client: clientFor(url), home };
}

test('durability: SIGTERM writes every queued row before the process exits', async (t) => {
  const { cli, client, home } = await startDaemon(t);
  const sent = 12;
  await Promise.all(Array.from({ length: sent }, () => client.messages.create(ask)));
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0);
  assert.equal(rowsIn(home), sent);
});

test('durability: rows are on disk within a flush interval, so a SIGKILL after it loses none', async (t) => {
  const { cli, client, home } = await startDaemon(t);
  const sent = 8;
  await Promise.all(Array.from({ length: sent }, () => client.messages.create(ask)));
  // The batch writer commits on its own (≤ 1 s later): wait for it by reading the file.
  for (let seen = 0; seen < sent; seen = rowsIn(home))
    await new Promise((resolve) => setTimeout(resolve, 100));
  cli.child.kill('SIGKILL');
  assert.equal(await cli.exited, 'SIGKILL');
  assert.equal(rowsIn(home), sent);
});
