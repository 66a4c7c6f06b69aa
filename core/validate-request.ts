import type { ValidateFunction } from 'ajv';
import { ajv } from './config/validate.ts';
import { ProxyError } from './errors.ts';

// Only what ccproxy itself relies on is checked; everything else is open (PROTOCOL §1.2, A6, A11).
const message = {
  type: 'object',
  required: ['role', 'content'],
  properties: {
    role: { enum: ['user', 'assistant', 'system'] },
    // Arrays first: Claude Code sends block arrays, and a failed branch allocates its error.
    content: {
      anyOf: [{ type: 'array', items: { type: 'object', required: ['type'] } }, { type: 'string' }],
    },
  },
};
const common = {
  model: { type: 'string', minLength: 1 },
  messages: { type: 'array', items: message },
  system: {
    anyOf: [{ type: 'array', items: { type: 'object', required: ['type'] } }, { type: 'string' }],
  },
  tools: { type: 'array', items: { type: 'object' } },
  stream: { type: 'boolean' },
};
const validateMessages = ajv.compile({
  type: 'object',
  required: ['model', 'messages', 'max_tokens'],
  properties: { ...common, max_tokens: { type: 'integer', minimum: 0 } },
});
const validateCount = ajv.compile({
  type: 'object',
  required: ['model', 'messages'],
  properties: common,
});

function check(validate: ValidateFunction, body: unknown): void {
  if (validate(body)) return;
  const error = validate.errors![0]!;
  const path = error.instancePath.slice(1).replace(/\//g, '.') || 'body';
  const detail =
    error.keyword === 'required'
      ? `${(error.params as { missingProperty: string }).missingProperty}: Field required`
      : `${path}: ${error.message ?? 'invalid'}`;
  throw new ProxyError('invalid_request_error', 400, detail);
}

/** A Messages body: 400 `invalid_request_error` before anything else runs (A3, A4). */
export const checkMessagesBody = (body: unknown): void => check(validateMessages, body);
/** A count_tokens body: like Messages, without `max_tokens` (G1). */
export const checkCountTokensBody = (body: unknown): void => check(validateCount, body);
