import assert from 'node:assert/strict';
import { test } from 'node:test';
import { geminiParameters } from '../../../plugins/providers/gemini/schema.ts';

// Shapes Claude Code's MCP tools carry (zod-to-json-schema and pydantic output), reduced to
// Gemini's Schema subset (PROTOCOL §8.3).
const cases: {
  name: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown> | undefined;
}[] = [
  {
    name: 'boolean subschemas and malformed keywords constrain nothing instead of failing the request',
    input: {
      type: 'object',
      properties: { any: true, bad: 'x', list: { type: 'array', items: [null] } },
      required: { a: 1 },
      anyOf: [null, { type: 'object' }],
    },
    expected: {
      type: 'object',
      properties: { any: {}, bad: {}, list: { type: 'array', items: {} } },
    },
  },
  {
    name: 'I1: a recursive $ref is inlined up to the depth limit, then cut',
    input: {
      type: 'object',
      definitions: {
        Node: { type: 'object', properties: { child: { $ref: '#/definitions/Node' } } },
      },
      properties: { root: { $ref: '#/definitions/Node' } },
    },
    expected: undefined,
  },
  {
    name: 'I1: allOf is merged; oneOf becomes anyOf',
    input: {
      type: 'object',
      properties: {
        merged: {
          allOf: [
            { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
            { properties: { b: { type: 'number' } } },
          ],
        },
        choice: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
      },
    },
    expected: {
      type: 'object',
      properties: {
        merged: {
          type: 'object',
          properties: { a: { type: 'string' }, b: { type: 'number' } },
          required: ['a'],
        },
        choice: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
    },
  },
  {
    name: 'I1: enums of other types are described; string formats other than date-time move to the description',
    input: {
      type: 'object',
      properties: {
        level: { type: 'integer', enum: [1, 2] },
        mail: { type: 'string', format: 'email' },
        n: { type: 'integer', format: 'int64' },
      },
    },
    expected: {
      type: 'object',
      properties: {
        level: { type: 'integer', description: 'One of: 1, 2.' },
        mail: { type: 'string', description: 'Format: email.' },
        n: { type: 'integer', format: 'int64' },
      },
    },
  },
  {
    name: 'I2: a nested empty object becomes a described object; array items are reduced too',
    input: {
      type: 'object',
      properties: {
        meta: { type: 'object', additionalProperties: true },
        tags: { type: 'array', items: { type: 'string', const: 'x' } },
      },
    },
    expected: {
      type: 'object',
      properties: {
        meta: { type: 'object', description: 'Any JSON object.' },
        tags: { type: 'array', items: { type: 'string', enum: ['x'] } },
      },
    },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const result = geminiParameters(c.input);
    if (c.expected) assert.deepEqual(result, c.expected);
    else {
      // Cut recursion still yields a finite schema with no $ref anywhere.
      const text = JSON.stringify(result);
      assert.ok(result && !text.includes('$ref') && text.length < 5000, text);
    }
  });
}
