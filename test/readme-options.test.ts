import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { TSchema } from '../core/index.ts';
import { UserConfig } from '../core/config/define.ts';
import { HistoryOptions } from '../core/config/cockpit.ts';
import { AuthOptions } from '../plugins/auth/index.ts';
import { BoostOptions } from '../plugins/boost/index.ts';
import { CockpitOptions } from '../plugins/cockpit/index.ts';
import { CustomHeadersOptions } from '../plugins/custom-headers/index.ts';
import { MetricsOptions } from '../plugins/metrics/index.ts';
import { ModelMapOptions } from '../plugins/model-map/index.ts';
import { OverridesOptions } from '../plugins/overrides/index.ts';
import { AnthropicOptions } from '../plugins/providers/anthropic/index.ts';
import { GeminiOptions } from '../plugins/providers/gemini/index.ts';
import { OllamaOptions } from '../plugins/providers/ollama/index.ts';
import { OpenAIResponsesOptions } from '../plugins/providers/openai-responses/index.ts';
import { OpenAIOptions } from '../plugins/providers/openai/index.ts';
import { ProviderOptions } from '../plugins/providers/shared/options.ts';
import { RouterOptions } from '../plugins/router/schema.ts';
import { TracingOptions } from '../plugins/tracing/index.ts';
import { UiOptions } from '../plugins/ui/index.ts';
import { WebSearchOptions } from '../plugins/web-search/index.ts';

// README's option tables are written by hand; the schemas are what start-up checks and editors
// complete. These tests keep the two saying the same keys.

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

const keysOf = (schema: TSchema): string[] =>
  Object.keys((schema as { properties: object }).properties).sort();

/** README's text from the heading starting with `heading` to the next heading. */
function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}`);
  assert.ok(start >= 0, `README has no heading ${heading}`);
  const rest = readme.slice(start + heading.length + 1);
  const end = rest.search(/\n#+ /);
  return end < 0 ? rest : rest.slice(0, end);
}

const cells = (row: string): string[] =>
  row
    .replace(/\\\|/g, '\u0000')
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());

/** The option names a section's tables list in their `option` (or `key`) column: `a.b` counts as `a`. */
function tableOptions(text: string): string[] {
  const names = new Set<string>();
  let column = -1;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      column = -1;
      continue;
    }
    const row = cells(line);
    if (column < 0) {
      column = row.findIndex((c) => c === 'option' || c === 'key');
      continue;
    }
    for (const [, code] of (row[column] ?? '').matchAll(/`([^`]+)`/g))
      names.add(/^[A-Za-z]+/.exec(code!)![0]);
  }
  names.delete('-');
  return [...names].sort();
}

for (const [heading, schema] of [
  ['## Configuration', UserConfig],
  ['#### `auth`', AuthOptions],
  ['#### `customHeaders`', CustomHeadersOptions],
  ['#### `overrides`', OverridesOptions],
  ['#### `modelMap`', ModelMapOptions],
  ['#### `router`', RouterOptions],
  ['#### `boost`', BoostOptions],
  ['#### `webSearch`', WebSearchOptions],
  ['#### `metrics`', MetricsOptions],
  ['#### `tracing`', TracingOptions],
  ['#### `ui`', UiOptions],
  ['## Cockpit', CockpitOptions],
  ['### History', HistoryOptions],
] as const) {
  test(`README's ${heading} table lists exactly the schema's options`, () => {
    assert.deepEqual(tableOptions(section(heading)), keysOf(schema));
  });
}

test("README's providers table names every provider option", () => {
  const text = section('#### Providers');
  const common = /takes `\{ ([^}]*) \}`/
    .exec(text)![1]!
    .split(', ')
    .map((k) => k.replace('?', ''));
  assert.deepEqual(common.sort(), keysOf(ProviderOptions));
  for (const [factory, schema] of [
    ['openai', OpenAIOptions],
    ['anthropic', AnthropicOptions],
    ['gemini', GeminiOptions],
    ['openaiResponses', OpenAIResponsesOptions],
    ['ollama', OllamaOptions],
  ] as const) {
    const row = text.split('\n').find((l) => l.startsWith(`| \`${factory}()\``));
    assert.ok(row, `no row for ${factory}()`);
    const own = keysOf(schema).filter((k) => !common.includes(k));
    for (const key of own) assert.match(row, new RegExp(`\`${key}[\`:]`), `${factory}: ${key}`);
  }
});
