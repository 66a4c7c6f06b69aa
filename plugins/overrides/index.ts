import type { MessagesRequest, StreamEvent } from '../../core/anthropic.ts';
import {
  configuredHeaders,
  ConfigError,
  checkOptions,
  Options,
  Type,
  type Next,
  type Static,
  type Plugin,
  type ProxyContext,
} from '../../core/index.ts';

/** A set of changes for requests to one provider. `null` removes a header or a body key. */
export const Preset = Options({
  headers: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
  /** Deep-merged into the request body: objects merge, arrays and scalars replace, `null` deletes. */
  body: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type Preset = Static<typeof Preset>;

/** `overrides()` options. */
export const OverridesOptions = Options({
  /** Named presets, referenced from `providers`. */
  presets: Type.Optional(Type.Record(Type.String(), Preset)),
  /** Per provider name: preset names or inline presets, applied in order. */
  providers: Type.Record(Type.String(), Type.Array(Type.Union([Type.String(), Preset]))),
});
export type OverridesOptions = Static<typeof OverridesOptions>;

// Keys that would reach Object.prototype through a merge: never copied from config data.
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** A new object: `patch` merged into `base` without mutating either. */
export function deepMerge(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (UNSAFE.has(key)) continue;
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = deepMerge(out[key], value);
    else out[key] = value;
  }
  return out;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Named header and request-body presets per provider: a User-Agent a vendor requires, `tools`
 * dropped for a provider without them, a vendor-specific body field. Applied to each upstream
 * attempt for the provider it goes to, so a fallback to another provider gets its own presets.
 * List it after `router`.
 * @example overrides({ providers: { deepseek: [{ body: { temperature: 0.6 } }] } })
 */
export function overrides(options: OverridesOptions): Plugin {
  checkOptions('overrides', OverridesOptions, options);
  const byProvider = new Map<string, Combined>();
  for (const [provider, list] of Object.entries(options.providers)) {
    const combined: Combined = { headers: {}, bodies: [] };
    for (const [i, item] of list.entries()) {
      const preset = typeof item === 'string' ? options.presets?.[item] : item;
      if (!preset) {
        throw new ConfigError(
          `plugins (overrides): options.providers.${provider}[${i}]: unknown preset "${item as string}"`,
        );
      }
      // Lower-case names: a preset's `User-Agent` replaces (or deletes) any spelling of it.
      const where = `plugins (overrides): options.providers.${provider}[${i}].headers`;
      Object.assign(combined.headers, configuredHeaders(preset.headers ?? {}, where));
      // Kept apart, applied in order per request: merged together, a `null` (delete) would be
      // lost, since deleting from an empty object leaves nothing to delete from the request.
      if (preset.body) combined.bodies.push(preset.body);
    }
    byProvider.set(provider, combined);
  }
  return {
    name: 'overrides',
    enforce: 'post',
    wrapStream(ctx, next) {
      const preset = byProvider.get(ctx.target.provider);
      return preset ? applyPreset(ctx, next, preset) : next();
    },
  };
}

/** One provider's presets: headers folded together, bodies in the order listed. */
interface Combined {
  headers: Record<string, string | null>;
  bodies: Record<string, unknown>[];
}

async function* applyPreset(
  ctx: ProxyContext,
  next: Next,
  preset: Combined,
): AsyncGenerator<StreamEvent> {
  const headers = ctx.upstream.headers;
  const saved = { ...headers };
  for (const [name, value] of Object.entries(preset.headers)) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  try {
    yield* next(
      preset.bodies.reduce<Record<string, unknown>>(deepMerge, ctx.request) as MessagesRequest,
    );
  } finally {
    // The next attempt may go to another provider: it must not carry this one's headers.
    for (const name of Object.keys(headers)) delete headers[name];
    Object.assign(headers, saved);
  }
}
