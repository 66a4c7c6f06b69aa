import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { misspelt } from '../types/misspelt-options.ts';

// The cases are the ones tsc refuses to compile (test/types/misspelt-options.ts): a config that
// slipped past the editor (plain JS, `as never`) stops at start-up on the same option path.
for (const { make, error } of misspelt) {
  test(`a misspelt option stops the factory: ${error}`, () => {
    assert.throws(make, (e) => e instanceof ConfigError && e.message === error);
  });
}
