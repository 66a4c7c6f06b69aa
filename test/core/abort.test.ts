import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestAbort } from '../../core/abort.ts';
import { testContext } from '../helpers/context.ts';

const context = (abort: RequestAbort) => testContext({ abort });

test('a plugin reading ctx.signal after the request was aborted gets an aborted signal and its reason', () => {
  const abort = new RequestAbort();
  const ctx = context(abort);
  const reason = new Error('client left');
  abort.abort(reason);
  assert.equal(ctx.signal.aborted, true);
  assert.equal(ctx.signal.reason, reason);
});

test('a signal read before the abort fires, after the listeners an upstream call added', () => {
  const abort = new RequestAbort();
  const ctx = context(abort);
  const order: string[] = [];
  const removed = () => order.push('removed');
  ctx.abortSource.addEventListener('abort', () => order.push('call'));
  ctx.abortSource.addEventListener('abort', removed);
  ctx.abortSource.removeEventListener('abort', removed);
  ctx.signal.addEventListener('abort', () => order.push('signal'));
  abort.abort();
  abort.abort();
  assert.deepEqual(order, ['call', 'signal']);
  assert.equal((ctx.signal.reason as Error).name, 'AbortError');
});

test('a signal a wrapping plugin sets is what upstream calls listen to until it is restored', () => {
  const abort = new RequestAbort();
  const ctx = context(abort);
  const own = ctx.signal;
  const narrowed = new AbortController();
  ctx.signal = narrowed.signal;
  assert.equal(ctx.abortSource, narrowed.signal);
  ctx.signal = own;
  abort.abort();
  assert.equal(ctx.abortSource.aborted, true);
});
