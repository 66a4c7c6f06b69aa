/**
 * Content-block checks for the request check (`validate-request.ts`). Each returns null for a
 * valid value, or the problem as `field: what is wrong`, relative to the value checked: the caller
 * prefixes its own path, so a valid body builds no string and allocates nothing.
 */

/** A problem, `field: what is wrong`, or null. */
export type Problem = string | null;

/**
 * Deeper JSON is refused: `JSON.stringify` and the converters recurse, and 10,000 levels overflow
 * the stack. Tool schemas and inputs stay far below it.
 */
export const MAX_DEPTH = 128;

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const expected = (field: string, what: string): string =>
  `${field}: Input should be ${what}`;
export const required = (field: string): string => `${field}: Field required`;

/**
 * Prefixes a nested problem with its field: `content.2` and `text: …` give `content.2.text: …`;
 * a problem of the value itself (`: …`) gives `content.2: …`.
 */
export const within = (field: string, problem: Problem): Problem =>
  problem === null ? null : `${field}${problem.startsWith(':') ? '' : '.'}${problem}`;

/** `problem` when `value` nests deeper than the limit counting from `depth`. */
export function depthProblem(value: unknown, depth: number, field: string): Problem {
  return tooDeep(value, depth) ? `${field}: nesting deeper than ${MAX_DEPTH} levels` : null;
}

function tooDeep(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return depth >= MAX_DEPTH || childrenTooDeep(value, depth + 1);
}

// Children are tested for being objects before the call: most are strings, and a call per leaf
// costs more than the walk.
function childrenTooDeep(value: object, depth: number): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (typeof child === 'object' && child !== null && tooDeep(child, depth)) return true;
    }
    return false;
  }
  for (const key in value) {
    const child = (value as Json)[key];
    if (typeof child === 'object' && child !== null && tooDeep(child, depth)) return true;
  }
  return false;
}

// The checks take the value, not the field name: a named property load per call site is much
// cheaper than a keyed one.
function str(value: unknown, field: string): Problem {
  if (typeof value === 'string') return null;
  return value === undefined ? required(field) : expected(field, 'a valid string');
}

function optionalStr(value: unknown, field: string): Problem {
  return value === undefined || typeof value === 'string'
    ? null
    : expected(field, 'a valid string');
}

function obj(value: unknown, field: string): Problem {
  if (isObject(value)) return null;
  return value === undefined ? required(field) : expected(field, 'an object');
}

/** Fields every block may carry: `cache_control` and `citations`. */
function common(block: Json): Problem {
  const cache = block.cache_control;
  if (cache !== undefined && cache !== null && !isObject(cache))
    return expected('cache_control', 'an object');
  const citations = block.citations;
  if (citations !== undefined && citations !== null && !Array.isArray(citations))
    return expected('citations', 'a valid list');
  return null;
}

/** An image's or a document's `source`: an object with a `type` and that type's field. */
function source(block: Json, depth: number): Problem {
  const problem = obj(block.source, 'source');
  if (problem) return problem;
  const s = block.source as Json;
  const inner = str(s.type, 'type');
  if (inner) return within('source', inner);
  switch (s.type) {
    case 'base64':
      return within('source', str(s.data, 'data') ?? optionalStr(s.media_type, 'media_type'));
    case 'url':
      return within('source', str(s.url, 'url'));
    case 'file':
      return within('source', str(s.file_id, 'file_id'));
    case 'text':
      return within('source', str(s.data, 'data'));
    case 'content':
      return typeof s.content === 'string'
        ? null
        : within('source', blockList(s.content, 'content', depth + 2));
    default:
      return null;
  }
}

function toolResult(block: Json, depth: number): Problem {
  const id = str(block.tool_use_id, 'tool_use_id');
  if (id) return id;
  const content = block.content;
  if (content !== undefined && typeof content !== 'string') {
    const problem = blockList(content, 'content', depth + 1);
    if (problem) return problem;
  }
  const isError = block.is_error;
  return isError === undefined || typeof isError === 'boolean'
    ? null
    : expected('is_error', 'a valid boolean');
}

/** One content block at `depth` (the block itself), all of it within the depth limit. */
export function blockProblem(block: unknown, depth: number): Problem {
  if (!isObject(block)) return ': Input should be an object';
  const type = block.type;
  if (typeof type !== 'string')
    return type === undefined ? required('type') : expected('type', 'a valid string');
  const problem = common(block);
  if (problem) return problem;
  return typedProblem(block, type, depth) ?? depthProblem(block, depth, '');
}

/** The fields of a known block type; other types (Anthropic artefacts, newer ones) pass as they are. */
function typedProblem(block: Json, type: string, depth: number): Problem {
  switch (type) {
    case 'text':
      return str(block.text, 'text');
    case 'image':
      return source(block, depth);
    case 'document':
      return (
        source(block, depth) ??
        optionalStr(block.title, 'title') ??
        optionalStr(block.context, 'context')
      );
    case 'search_result':
      return (
        str(block.source, 'source') ??
        str(block.title, 'title') ??
        blockList(block.content, 'content', depth + 1)
      );
    case 'tool_use':
    case 'server_tool_use':
      return str(block.id, 'id') ?? str(block.name, 'name') ?? obj(block.input, 'input');
    case 'tool_result':
      return toolResult(block, depth);
    case 'thinking':
      return str(block.thinking, 'thinking') ?? optionalStr(block.signature, 'signature');
    case 'redacted_thinking':
      return str(block.data, 'data');
    default:
      return null;
  }
}

/** A list of content blocks at `depth` (the list itself). */
export function blockList(
  value: unknown,
  field: string,
  depth: number,
  check: (block: unknown, depth: number) => Problem = blockProblem,
): Problem {
  if (!Array.isArray(value))
    return value === undefined ? required(field) : expected(field, 'a valid list');
  if (depth >= MAX_DEPTH) return `${field}: nesting deeper than ${MAX_DEPTH} levels`;
  for (let i = 0; i < value.length; i++) {
    const problem = check(value[i], depth + 1);
    if (problem) return within(`${field}.${i}`, problem);
  }
  return null;
}

/**
 * A `system` block: text only, as the Messages API takes it. Unlike message content, where an
 * unknown type passes on (a newer API's block), a system prompt of another type is a mistake that
 * every converter and the prompt estimate would trip over.
 */
export function systemBlockProblem(block: unknown, depth: number): Problem {
  if (isObject(block) && block.type !== 'text') return expected('type', "'text'");
  return blockProblem(block, depth);
}
