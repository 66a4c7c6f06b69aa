import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox';

/**
 * Option shapes are written once, with TypeBox: the same value is the JSON Schema checked at
 * load (`checkOptions`) and, through `Static`, the TypeScript type editors complete in
 * `defineConfig`. JSDoc on a property shows in the editor. Re-exported so that a plugin package
 * builds its schemas with the same TypeBox as the ccproxy checking them.
 */
export { Type, type Static, type TSchema };

/**
 * A plugin's options object: every key optional unless wrapped otherwise, unknown keys refused
 * (the error names the key and suggests the nearest known one).
 * @example const Options = Options({ keys: Type.Optional(Type.Array(Type.String())) })
 */
export function Options<P extends TProperties>(properties: P): TObject<P> {
  return Type.Object(properties, { additionalProperties: false });
}

/** A model reference: `provider,model`, `provider/model` or a bare model name. */
export const ModelRef = Type.String({ minLength: 1 });

/** An `http://` or `https://` URL. */
export const HttpUrl = Type.String({ pattern: '^https?://' });

/** A `redis://` or `rediss://` URL. */
export const RedisUrl = Type.String({ pattern: '^rediss?://' });

/** HTTP header names to values. */
export const HeaderMap = Type.Record(Type.String(), Type.String());
