import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wasmFlagGiven } from '../../cli/wasm-baseline.ts';

// The server keeps WebAssembly on V8's baseline compiler (undici's HTTP parser) unless the user
// chose a WebAssembly compiler setting of their own, which then stays as they set it.
test('a WebAssembly flag given to Node wins over the server default', () => {
  assert.equal(wasmFlagGiven([], ''), false);
  assert.equal(wasmFlagGiven(['--enable-source-maps'], '--max-old-space-size=512'), false);
  assert.equal(wasmFlagGiven(['--no-liftoff-only'], ''), true);
  assert.equal(wasmFlagGiven([], '--wasm-dynamic-tiering'), true);
  assert.equal(wasmFlagGiven([], '--max-old-space-size=512 --wasm_tiering_budget=100'), true);
});
