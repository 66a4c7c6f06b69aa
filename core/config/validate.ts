import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigError } from '../errors.ts';
import { describe, suggest } from '../pipeline/resolve.ts';

// verbose: an "unknown option" error reads the known keys from `parentSchema` for its "did you mean".
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const compiled = new WeakMap<object, ValidateFunction>();

/** The first mistake of a failed validation, as "path: expected X, got Y". */
export function explain(errors: readonly ErrorObject[], data: unknown, root: string): string {
  // Prefer the most specific error: the deepest path, and a named key over a type mismatch.
  const error = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0]!;
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
    default:
      return `${path}: expected ${expectation(error)}, got ${describe(value)}`;
  }
}

function expectation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'type') {
    const types = [params.type].flat().join(' or ');
    return `${/^[aeiou]/.test(types) ? 'an' : 'a'} ${types}`;
  }
  if (error.keyword === 'pattern') return `a string matching ${String(params.pattern)}`;
  return String(error.message);
}

function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const part of pointer.split('/').slice(1))
    value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

/**
 * Checks a plugin's options against its JSON Schema once, at load. A mistake throws ConfigError
 * naming the plugin, the option path and what was expected; the loader prefixes the file.
 */
export function checkOptions(plugin: string, schema: object, options: unknown): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(options)) {
    throw new ConfigError(
      `plugins (${plugin}): ${explain(validate.errors ?? [], options, 'options')}`,
    );
  }
}

export { ajv };
