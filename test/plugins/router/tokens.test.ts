import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { countTokens } from 'gpt-tokenizer';
import type { CountTokensRequest } from '../../../core/index.ts';
import { PromptTokens } from '../../../plugins/router/tokens.ts';

// The long-context rule decides far prompts on an estimate and counts near ones with the o200k
// tokenizer: over many kinds of text and thresholds around each prompt's size, it must route
// exactly as counting every prompt would.
const fox = 'The quick brown fox jumps over the lazy dog. ';
const kinds: Record<string, string> = {
  'the router tests’ long prompt': fox.repeat(800),
  prose: readFileSync(new URL('../../../README.md', import.meta.url), 'utf8'),
  code: readFileSync(new URL('../../../plugins/router/index.ts', import.meta.url), 'utf8'),
  json: JSON.stringify({ rows: Array.from({ length: 400 }, (_, i) => ({ id: i, ok: i % 2 })) }),
  cjk: '日本語のテキストはトークンが多い。中文文本也需要更多的标记。한국어 텍스트도。'.repeat(150),
  emoji: '😀🎉🚀👍🏽❤️🔥'.repeat(400),
  // Bytes that look random (a multiplicative hash), so the test is the same on every run.
  base64: Buffer.from(Array.from({ length: 24_000 }, (_, i) => (i * 2654435761) >>> 24)).toString(
    'base64',
  ),
  digits: Array.from({ length: 6000 }, (_, i) => String((i * 7919) % 100_000)).join(','),
};
const image = {
  type: 'image' as const,
  source: { type: 'base64' as const, media_type: 'image/png' as const, data: 'iVBORw0KGgo=' },
};

for (const [kind, text] of Object.entries(kinds)) {
  test(`long context on ${kind}: the same decision as the exact count at every threshold`, async () => {
    const request: CountTokensRequest = {
      model: 'claude-sonnet-4-6',
      system: 'You are a careful assistant.',
      messages: [{ role: 'user', content: [image, { type: 'text', text }] }],
    };
    const exact = countTokens('You are a careful assistant.') + countTokens(text) + 1600;
    const tokens = new PromptTokens();
    let estimated = 0;
    for (const factor of [0.1, 0.25, 0.4, 0.6, 0.8, 0.95, 1, 1.05, 1.25, 1.6, 2.5, 4, 10]) {
      const threshold = Math.max(1, Math.round(exact * factor));
      const size = await tokens.measure(request, threshold);
      assert.equal(
        size.tokens >= threshold,
        exact >= threshold,
        `threshold ${threshold}: ${size.exact ? 'counted' : 'estimated'} ${size.tokens}, exact ${exact}`,
      );
      if (size.exact) assert.equal(size.tokens, exact);
      else estimated++;
    }
    assert.ok(estimated >= 2, 'far thresholds are decided without the tokenizer');
  });
}
