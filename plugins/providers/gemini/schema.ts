import type { JsonSchema } from '../../../core/index.ts';

/** The keys Gemini's `Schema` accepts (PROTOCOL §8.3); any other fails the whole request. */
const ALLOWED = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'default',
  'enum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'propertyOrdering',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'example',
  'anyOf',
]);
const STRING_FORMATS = new Set(['enum', 'date-time']);
const NUMBER_FORMATS = new Set(['int32', 'int64', 'float', 'double']);
/** `$ref` chains deeper than this are cut: recursive schemas have no finite inline form. */
const MAX_DEPTH = 8;

type Node = Record<string, unknown>;

/**
 * A tool's `input_schema` reduced to Gemini's subset (§8.3, I1): `$ref`s inlined, nullable unions
 * folded into `nullable`, `oneOf` → `anyOf`, `allOf` merged, `const` → `enum`, exclusive bounds
 * folded, unsupported string formats moved into the description, everything else unknown
 * dropped. Undefined for a root without properties, which Gemini rejects (I2).
 */
export function geminiParameters(schema: JsonSchema | undefined): Node | undefined {
  if (!schema) return undefined;
  const defs = { ...(schema.definitions as Node), ...(schema.$defs as Node) };
  const root = convert(schema, defs, 0);
  const properties = root.properties as Node | undefined;
  return properties && Object.keys(properties).length > 0 ? root : undefined;
}

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function convert(input: unknown, defs: Node, depth: number): Node {
  // A boolean schema (`true`: any value) or a malformed one constrains nothing Gemini can express.
  if (!isNode(input)) return {};
  let node = resolve(input, defs, depth);
  if (node === null)
    return { type: 'object', description: 'A nested value (recursive schema cut).' };
  node = foldUnions(node, defs, depth);
  const out: Node = {};
  const notes: string[] = [];
  let type = node.type;
  if (Array.isArray(type)) {
    const concrete = type.filter((t) => t !== 'null');
    if (concrete.length < type.length) out.nullable = true;
    type = concrete[0];
  }
  if (node.properties && type === undefined) type = 'object';
  if (type !== undefined) out.type = type;
  copyAllowed(node, out);
  if ('const' in node) out.enum = [node.const];
  if (Array.isArray(out.enum)) foldEnum(out, notes);
  foldBounds(node, out);
  foldFormat(out, notes);
  if (node.properties) {
    const properties: Node = {};
    for (const [key, value] of Object.entries(node.properties as Node))
      properties[key] = convert(value, defs, depth + 1);
    out.properties = properties;
    const required = Array.isArray(node.required)
      ? node.required.filter((key) => typeof key === 'string' && key in properties)
      : [];
    if (required.length) out.required = required;
    else delete out.required;
    if (Object.keys(properties).length === 0) {
      delete out.properties;
      notes.push('Any JSON object.');
    }
  } else if (out.type === 'object') notes.push('Any JSON object.');
  if (node.items)
    out.items = convert(Array.isArray(node.items) ? node.items[0] : node.items, defs, depth + 1);
  if (Array.isArray(out.anyOf))
    out.anyOf = (out.anyOf as unknown[]).map((each) => convert(each, defs, depth + 1));
  if (notes.length) out.description = [out.description, ...notes].filter(Boolean).join(' ');
  return out;
}

/** A `$ref` replaced by its definition (siblings kept); null past the depth limit. */
function resolve(node: Node, defs: Node, depth: number): Node | null {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  if (depth >= MAX_DEPTH) return null;
  const target = defs[ref.replace(/^#\/(\$defs|definitions)\//, '')] as Node | undefined;
  const { $ref: _ref, ...rest } = node;
  return target ? resolve({ ...target, ...rest }, defs, depth + 1) : rest;
}

/** `anyOf`/`oneOf` with a null branch → the other branch, nullable; `allOf` → merged. */
function foldUnions(node: Node, defs: Node, depth: number): Node {
  let out = node;
  if (Array.isArray(out.allOf)) {
    const { allOf, ...rest } = out;
    out = (allOf as unknown[]).reduce<Node>(
      (merged, part) => (isNode(part) ? merge(merged, resolve(part, defs, depth) ?? {}) : merged),
      rest,
    );
  }
  const union = (out.anyOf ?? out.oneOf) as Node[] | undefined;
  if (!Array.isArray(union)) return out;
  const { anyOf: _a, oneOf: _o, ...rest } = out;
  const schemas = union.filter(isNode);
  const branches = schemas.filter((branch) => branch.type !== 'null');
  const nullable = branches.length < schemas.length ? { nullable: true } : {};
  if (branches.length === 1)
    return { ...rest, ...(resolve(branches[0]!, defs, depth) ?? {}), ...nullable };
  return { ...rest, anyOf: branches, ...nullable };
}

function merge(into: Node, part: Node): Node {
  const properties = { ...(into.properties as Node), ...(part.properties as Node) };
  const listed = (node: Node) => (Array.isArray(node.required) ? (node.required as string[]) : []);
  const required = [...listed(into), ...listed(part)];
  return {
    ...into,
    ...part,
    ...(Object.keys(properties).length && { properties }),
    ...(required.length && { required }),
  };
}

function copyAllowed(node: Node, out: Node): void {
  for (const [key, value] of Object.entries(node)) {
    if (ALLOWED.has(key) && !(key in out) && key !== 'properties' && key !== 'items')
      out[key] = value;
  }
}

/** Gemini takes string enums only: values become non-empty strings; other types describe them. */
function foldEnum(out: Node, notes: string[]): void {
  const values = (out.enum as unknown[]).filter((v) => v !== null && v !== '');
  if (out.type === undefined || out.type === 'string') {
    out.type = 'string';
    out.enum = values.map(String);
    return;
  }
  delete out.enum;
  notes.push(`One of: ${values.map((v) => JSON.stringify(v)).join(', ')}.`);
}

function foldBounds(node: Node, out: Node): void {
  if (typeof node.exclusiveMinimum === 'number') out.minimum = node.exclusiveMinimum;
  if (typeof node.exclusiveMaximum === 'number') out.maximum = node.exclusiveMaximum;
}

function foldFormat(out: Node, notes: string[]): void {
  const format = out.format;
  if (typeof format !== 'string') return;
  const kept = out.type === 'string' ? STRING_FORMATS.has(format) : NUMBER_FORMATS.has(format);
  if (kept) return;
  delete out.format;
  if (out.type === 'string') notes.push(`Format: ${format}.`);
}
