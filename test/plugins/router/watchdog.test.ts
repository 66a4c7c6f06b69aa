import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamEvent } from '../../../core/index.ts';
import { watched } from '../../../plugins/router/watchdog.ts';
import { testContext } from '../../helpers/context.ts';

const context = () => testContext({ signal: new AbortController().signal });

const ping: StreamEvent = { type: 'ping' };

test('a slow client reading a healthy stream is never timed out (no write timeout)', async () => {
  const ctx = context();
  async function* quick() {
    for (let i = 0; i < 3; i++) yield ping;
  }
  let seen = 0;
  for await (const _event of watched(ctx, quick, { firstByteMs: 50, idleMs: 50 })) {
    seen++;
    await sleep(150); // the client takes three idle periods to read each event
  }
  assert.equal(seen, 3);
});

test('an upstream silent past idleMs after its first event is cut with a timeout_error, its signal aborted', async () => {
  const ctx = context();
  const client = ctx.signal;
  let upstreamSignal: AbortSignal | undefined;
  async function* stalls() {
    upstreamSignal = ctx.signal;
    yield ping;
    await new Promise(() => {});
  }
  const events = watched(ctx, stalls, { idleMs: 50 });
  await assert.rejects(
    async () => {
      for await (const _event of events);
    },
    { type: 'timeout_error', status: 504 },
  );
  assert.equal(upstreamSignal?.aborted, true);
  assert.equal(ctx.signal, client, 'the client signal is restored');
});
