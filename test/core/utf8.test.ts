import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8, utf8Bytes } from '../../core/http/utf8.ts';

/** A deterministic PRNG (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  Buffer.from('—'),
  Buffer.from('错误'),
  Buffer.from('😀'),
  Buffer.from('é'),
  Buffer.from([0xe2]), // a cut sequence
  Buffer.from([0x80]), // a stray continuation byte
  Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
  Buffer.from([0xef, 0xbb, 0xbf]), // a byte order mark
];

test('a body decodes as Buffer.toString does, whatever non-ASCII bytes it holds and where', () => {
  const next = random(15);
  for (let n = 0; n < 400; n++) {
    const size = Math.floor(next() * 5000);
    const bytes = Buffer.alloc(size, 'a');
    // A few non-ASCII pieces, often across the 1 KB blocks' edges.
    for (let k = Math.floor(next() * 4); k > 0; k--) {
      const piece = PIECES[Math.floor(next() * PIECES.length)]!;
      const edge = 1024 * Math.floor(next() * 5) - Math.floor(next() * 4);
      const at = next() < 0.5 ? edge : Math.floor(next() * size);
      if (at >= 0) piece.copy(bytes, at);
    }
    assert.equal(decodeUtf8(bytes), bytes.toString(), `case ${n}`);
  }
});

test('text encodes to the bytes Buffer.from gives, in one part or several', () => {
  const parts = ['{"a":"plain"', ',"b":"café 中文 😀"', ',"c":"lone \ud800"}', ''];
  assert.deepEqual(utf8Bytes(...parts), Buffer.from(parts.join('')));
  for (const part of parts) assert.deepEqual(utf8Bytes(part), Buffer.from(part));
});
