import type { MessagesRequest, StreamEvent } from '../../core/anthropic.ts';
import {
  configuredHeaders,
  ConfigError,
  checkOptions,
  Options,
  Type,
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
  const byProvider = new Map<string, CombinedPresets>();
  for (const [provider, list] of Object.entries(options.providers)) {
    const presets = list.map((item, i) => {
      const preset = typeof item === 'string' ? options.presets?.[item] : item;
      if (!preset) {
        throw new ConfigError(
          `plugins (overrides): options.providers.${provider}[${i}]: unknown preset "${item as string}"`,
        );
      }
      return preset;
    });
    byProvider.set(
      provider,
      combinePresets(presets, `plugins (overrides): options.providers.${provider}`),
    );
  }
  return {
    name: 'overrides',
    enforce: 'post',
    wrapStream(ctx, next) {
      const preset = byProvider.get(ctx.target.provider);
      return preset ? applyPresets(ctx, preset, ctx.request, next) : next();
    },
  };
}

/** One provider's presets: headers folded together, bodies in the order listed. */
export interface CombinedPresets {
  headers: Record<string, string | null>;
  bodies: Record<string, unknown>[];
}

/** Presets applied in order; `where` names them in a config error (`…[i].headers`). */
export function combinePresets(presets: readonly Preset[], where: string): CombinedPresets {
  const combined: CombinedPresets = { headers: {}, bodies: [] };
  for (const [i, preset] of presets.entries()) {
    // Lower-case names: a preset's `User-Agent` replaces (or deletes) any spelling of it.
    Object.assign(
      combined.headers,
      configuredHeaders(preset.headers ?? {}, `${where}[${i}].headers`),
    );
    // Kept apart, applied in order per request: merged together, a `null` (delete) would be
    // lost, since deleting from an empty object leaves nothing to delete from the request.
    if (preset.body) combined.bodies.push(preset.body);
  }
  return combined;
}

/**
 * Calls `send` with the presets' body merged into `request` and their headers set on
 * `ctx.upstream.headers`, which are put back when the call ends.
 */
export async function* applyPresets(
  ctx: ProxyContext,
  preset: CombinedPresets,
  request: MessagesRequest,
  send: (request: MessagesRequest) => AsyncIterable<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  const restore = setHeaders(ctx, preset.headers);
  try {
    yield* send(mergeBodies(request, preset));
  } finally {
    restore();
  }
}

/** `request` with the presets' bodies deep-merged in order (a new object when there are any). */
export const mergeBodies = (request: MessagesRequest, preset: CombinedPresets): MessagesRequest =>
  preset.bodies.reduce<Record<string, unknown>>(deepMerge, request) as MessagesRequest;

/** Sets (or, for `null`, removes) upstream headers; the function returned puts them back. */
export function setHeaders(
  ctx: ProxyContext,
  presetHeaders: Record<string, string | null>,
): () => void {
  const headers = ctx.upstream.headers;
  const saved = { ...headers };
  for (const [name, value] of Object.entries(presetHeaders)) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  // The next attempt may go to another provider: it must not carry this one's headers.
  return () => {
    for (const name of Object.keys(headers)) delete headers[name];
    Object.assign(headers, saved);
  };
}
