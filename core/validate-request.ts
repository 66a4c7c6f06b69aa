import { ProxyError } from './errors.ts';
import {
  blockList,
  systemBlockProblem,
  depthProblem,
  expected,
  isObject,
  required,
  within,
  type Problem,
} from './validate-blocks.ts';

/**
 * The request check: every field ccproxy or a converter reads has the type the API documents
 * (PROTOCOL §1.2–§1.5), so a client's mistake is a 400 before any plugin or upstream runs, never a
 * 500 from deep inside a converter. Unknown fields and block types pass (PROTOCOL §1.2, A6, A11);
 * only their nesting depth is bounded. Hand-written rather than a schema: one pass, no allocation
 * for a valid body, and the depth bound on free-form JSON a schema cannot express.
 */

/** Top-level fields checked one by one; any other is free-form and only its depth is checked. */
const KNOWN = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'stream',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
]);
const ROLES = new Set(['user', 'assistant', 'system']);
/** Control characters, and what an HTTP header cannot carry (the model name goes into headers and URLs). */
const BAD_MODEL_CHAR = /[^\x20-\x7e\xa0-\xff]/;

function modelProblem(model: unknown): Problem {
  if (typeof model !== 'string')
    return model === undefined ? required('model') : expected('model', 'a valid string');
  if (!model) return 'model: String should have at least 1 character';
  if (BAD_MODEL_CHAR.test(model))
    return 'model: control characters and characters outside Latin-1 are not allowed';
  return null;
}

function messageProblem(message: unknown): Problem {
  if (!isObject(message)) return ': Input should be an object';
  const role = message.role;
  if (typeof role !== 'string' || !ROLES.has(role))
    return role === undefined ? required('role') : "role: Input should be 'user' or 'assistant'";
  const content = message.content;
  const problem = typeof content === 'string' ? null : blockList(content, 'content', 2);
  if (problem) return problem;
  for (const key in message) {
    if (key === 'content' || key === 'role') continue;
    const deep = depthProblem(message[key], 2, key);
    if (deep) return deep;
  }
  return null;
}

function listOf(
  value: unknown,
  field: string,
  each: (item: unknown) => Problem,
  needed = false,
): Problem {
  if (value === undefined) return needed ? required(field) : null;
  if (!Array.isArray(value)) return expected(field, 'a valid list');
  for (let i = 0; i < value.length; i++) {
    const problem = each(value[i]);
    if (problem) return within(`${field}.${i}`, problem);
  }
  return null;
}

function toolProblem(tool: unknown): Problem {
  if (!isObject(tool)) return ': Input should be an object';
  for (const field of ['name', 'type', 'description'] as const) {
    const value = tool[field];
    if (value !== undefined && typeof value !== 'string') return expected(field, 'a valid string');
  }
  const schema = tool.input_schema;
  if (schema !== undefined && !isObject(schema)) return expected('input_schema', 'an object');
  return depthProblem(tool, 2, '');
}

const stringProblem = (value: unknown): Problem =>
  typeof value === 'string' ? null : ': Input should be a valid string';

function typedObject(body: Record<string, unknown>, field: string): Problem {
  const value = body[field];
  if (value === undefined) return null;
  if (!isObject(value)) return expected(field, 'an object');
  if (typeof value.type !== 'string') return within(field, required('type'));
  return depthProblem(value, 1, field);
}

function numberProblem(body: Record<string, unknown>, field: string): Problem {
  const value = body[field];
  return value === undefined || Number.isFinite(value) ? null : expected(field, 'a finite number');
}

function maxTokensProblem(value: unknown, needed: boolean): Problem {
  if (value === undefined) return needed ? required('max_tokens') : null;
  return Number.isInteger(value) && (value as number) >= 0
    ? null
    : expected('max_tokens', 'a non-negative integer');
}

function bodyProblem(body: unknown, countTokens: boolean): Problem {
  if (!isObject(body)) return 'body: Input should be an object';
  const system = body.system;
  const problem =
    modelProblem(body.model) ??
    maxTokensProblem(body.max_tokens, !countTokens) ??
    listOf(body.messages, 'messages', messageProblem, true) ??
    (system === undefined || typeof system === 'string'
      ? null
      : blockList(system, 'system', 1, systemBlockProblem)) ??
    listOf(body.tools, 'tools', toolProblem) ??
    typedObject(body, 'tool_choice') ??
    typedObject(body, 'thinking') ??
    (body.stream === undefined || typeof body.stream === 'boolean'
      ? null
      : expected('stream', 'a valid boolean')) ??
    listOf(body.stop_sequences, 'stop_sequences', stringProblem) ??
    numberProblem(body, 'temperature') ??
    numberProblem(body, 'top_p') ??
    numberProblem(body, 'top_k');
  if (problem) return problem;
  for (const key in body) {
    if (KNOWN.has(key)) continue;
    const deep = depthProblem(body[key], 1, key);
    if (deep) return deep;
  }
  return null;
}

function check(body: unknown, countTokens: boolean): void {
  const problem = bodyProblem(body, countTokens);
  if (problem) throw new ProxyError('invalid_request_error', 400, problem);
}

/** A Messages body: 400 `invalid_request_error` before anything else runs (A3, A4). */
export const checkMessagesBody = (body: unknown): void => check(body, false);
/** A count_tokens body: like Messages, `max_tokens` optional (G1). */
export const checkCountTokensBody = (body: unknown): void => check(body, true);
