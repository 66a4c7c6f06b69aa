import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Static, TSchema } from 'typebox';
import { Check } from 'typebox/schema';
import { ConfigError } from '../errors.ts';
import { describe, suggest } from '../pipeline/resolve.ts';

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();
// ajv's module is loaded with the first mistake, not at start: a config that conforms never needs
// it (its 170 KB of code and their compiled functions stayed in an idle server's memory). Not
// `require`: the bundle would take it in and load it at start.
const loadModule = createRequire(import.meta.url);

/**
 * ajv's errors for `value` against `schema`, or null when it conforms. Most configs conform:
 * TypeBox's interpreter says so without compiling anything (compiling a validator per plugin was
 * a fifth of the start-up's CPU); ajv compiles one only to word a mistake, and decides.
 */
export function schemaErrors(schema: TSchema, value: unknown): ErrorObject[] | null {
  if (Check(schema, value)) return null;
  // verbose: an "unknown option" error reads the known keys from `parentSchema` for its "did you
  // mean". validateSchema off: TypeBox writes the schemas; checking them against the meta-schema
  // compiled that too.
  ajv ??= new (loadModule('ajv') as typeof import('ajv')).Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    validateSchema: false,
  });
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) ? null : (validate.errors ?? []);
}

// At one path, the error that says most: an unknown or missing key, then a list of allowed values.
const RANK: Record<string, number> = { additionalProperties: 0, required: 0, enum: 1 };
const rank = (error: ErrorObject): number => RANK[error.keyword] ?? 2;

/** The first mistake of a failed validation, as "path: expected X, got Y". */
export function explain(errors: readonly ErrorObject[], data: unknown, root: string): string {
  // The most specific error: the deepest path, then a named key over a type mismatch.
  const error = [...errors].sort(
    (a, b) => b.instancePath.length - a.instancePath.length || rank(a) - rank(b),
  )[0]!;
  const path = root + error.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
  const value = valueAt(data, error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const hint = suggest(key, known);
      return `${path}: unknown option "${key}"${hint ? `; did you mean "${hint}"?` : `; expected one of ${known.join(', ')}`}`;
    }
    case 'required':
      return `${path}: missing "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `${path}: expected one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
    case 'type':
    case 'const':
      return `${path}: expected ${alternatives(errors, error.instancePath)}, got ${describe(value)}`;
    default:
      return `${path}: expected ${expectation(error)}, got ${describe(value)}`;
  }
}

/**
 * What a value at `path` could have been. A union (`string | null`, `false | {…}`) fails once per
 * branch: each branch is named by its constant if it has one, else by its type.
 */
function alternatives(errors: readonly ErrorObject[], path: string): string {
  const branches = new Map<string, ErrorObject>();
  for (const e of errors) {
    if (e.instancePath !== path || (e.keyword !== 'type' && e.keyword !== 'const')) continue;
    const branch = e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'));
    if (branches.get(branch)?.keyword !== 'const') branches.set(branch, e);
  }
  const consts: string[] = [];
  const types = new Set<string>();
  for (const e of branches.values()) {
    const params = e.params as { allowedValue?: unknown; type?: string | string[] };
    if (e.keyword === 'const') consts.push(JSON.stringify(params.allowedValue));
    else for (const type of [params.type ?? []].flat()) types.add(type);
  }
  if (types.size > 0) consts.push(article([...types].join(' or ')));
  return consts.join(' or ');
}

function expectation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'pattern') return `a string matching ${String(params.pattern)}`;
  return String(error.message);
}

const article = (noun: string): string => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;

function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const part of pointer.split('/').slice(1))
    value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

/**
 * Checks a plugin's options against its schema (a TypeBox schema, or any JSON Schema) once, at
 * load. A mistake throws ConfigError naming the plugin, the option path and what was expected;
 * the loader prefixes the file.
 */
export function checkOptions<S extends TSchema>(
  plugin: string,
  schema: S,
  options: unknown,
): asserts options is Static<S> {
  const errors = schemaErrors(schema, options);
  if (errors) throw new ConfigError(`plugins (${plugin}): ${explain(errors, options, 'options')}`);
}
