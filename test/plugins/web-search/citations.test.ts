import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamEvent } from '../../../core/index.ts';
import { CitationMarkers } from '../../../plugins/web-search/citations.ts';

const sources = [
  { url: 'https://a.test/1', title: 'A', content: 'alpha text', pageAge: null },
  { url: 'https://b.test/2', title: 'B', content: 'beta text', pageAge: null },
];

/** Runs deltas through the markers; returns the text the client reads and the cited URLs in order. */
function run(deltas: string[]): { text: string; cited: string[]; order: string[] } {
  const markers = new CitationMarkers(sources, 3);
  const out: StreamEvent[] = [];
  for (const d of deltas) markers.push(d, out);
  markers.flush(out);
  let text = '';
  const cited: string[] = [];
  const order: string[] = [];
  for (const event of out) {
    assert.equal(event.type === 'content_block_delta' && event.index, 3);
    if (event.type !== 'content_block_delta') continue;
    order.push(event.delta.type);
    if (event.delta.type === 'text_delta') text += event.delta.text as string;
    else cited.push((event.delta as { citation: { url: string } }).citation.url);
  }
  return { text, cited, order };
}

for (const c of [
  {
    name: 'a marker in one delta',
    deltas: ['Fact one [1]. Fact two [2].'],
    text: 'Fact one. Fact two.',
    cited: ['https://a.test/1', 'https://b.test/2'],
  },
  {
    name: 'a marker cut across deltas',
    deltas: ['Fact one ', '[', '1', ']. Next.'],
    text: 'Fact one. Next.',
    cited: ['https://a.test/1'],
  },
  {
    name: 'a list of sources',
    deltas: ['Both agree [1, 2][2].'],
    text: 'Both agree.',
    cited: ['https://a.test/1', 'https://b.test/2', 'https://b.test/2'],
  },
  {
    name: 'an unknown number stays text',
    deltas: ['See [7] and arr[0].'],
    text: 'See [7] and arr[0].',
    cited: [],
  },
  { name: 'a bracket at the very end', deltas: ['Ends with ['], text: 'Ends with [', cited: [] },
]) {
  test(`citations: ${c.name}`, () => {
    const got = run(c.deltas);
    assert.equal(got.text, c.text);
    assert.deepEqual(got.cited, c.cited);
  });
}

test('citations: the citation follows the text it supports', () => {
  assert.deepEqual(run(['Claim [1] more']).order, ['text_delta', 'citations_delta', 'text_delta']);
});
