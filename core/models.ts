import type { Target } from './plugin.ts';

/**
 * Reads an explicit model reference: `provider,model` (Claude Code's `/model` form) or
 * `provider/model` when the first segment names a configured provider (model ids may contain `/`).
 * Returns null for a plain model name.
 */
export function parseModelRef(
  model: string,
  providers: ReadonlyMap<string, unknown>,
): Target | null {
  const comma = model.indexOf(',');
  if (comma > 0)
    return { provider: model.slice(0, comma).trim(), model: model.slice(comma + 1).trim() };
  const slash = model.indexOf('/');
  if (slash > 0 && providers.has(model.slice(0, slash))) {
    return { provider: model.slice(0, slash), model: model.slice(slash + 1) };
  }
  return null;
}

/** `provider,model`, the form logs, headers and `/v1/models` use. */
export const formatTarget = (target: Target): string => `${target.provider},${target.model}`;
