import type { Target } from './plugin.ts';

/**
 * The prefix of a model's `/model` picker alias. Claude Code keeps only the `/v1/models` ids that
 * contain `claude` or `anthropic` (before 2.1.223: that start with them), so a routed model is
 * listed a second time as `claude-via/provider/model`. No comma: Claude Code's own model-name
 * clean-up keeps letters, digits and `._:/@[]-` only.
 */
const ALIAS = 'claude-via/';

/**
 * Reads an explicit model reference: `provider,model` (Claude Code's `/model` form), the picker
 * alias `claude-via/provider/model`, or `provider/model` when the first segment names a configured
 * provider (model ids may contain `/`). Returns null for a plain model name.
 */
export function parseModelRef(
  model: string,
  providers: ReadonlyMap<string, unknown>,
): Target | null {
  if (model.startsWith(ALIAS)) {
    const rest = model.slice(ALIAS.length);
    const slash = rest.indexOf('/');
    if (slash > 0 && slash < rest.length - 1)
      return { provider: rest.slice(0, slash), model: rest.slice(slash + 1) };
  }
  const comma = model.indexOf(',');
  if (comma > 0)
    return { provider: model.slice(0, comma).trim(), model: model.slice(comma + 1).trim() };
  const slash = model.indexOf('/');
  if (slash > 0 && providers.has(model.slice(0, slash))) {
    return { provider: model.slice(0, slash), model: model.slice(slash + 1) };
  }
  return null;
}

/**
 * A model reference from the config, read before any provider is known: `provider,model` is that
 * target; anything else is a bare model name (provider `''`), which core resolves per request.
 */
export const toTarget = (ref: string): Target =>
  parseModelRef(ref, new Map()) ?? { provider: '', model: ref };

/** `provider,model`, the form logs, headers and `/v1/models` use. */
export const formatTarget = (target: Target): string => `${target.provider},${target.model}`;

/**
 * The id under which Claude Code's `/model` picker can offer `target`: `claude-via/provider/model`.
 * Null when `provider,model` already names Claude or Anthropic (the picker keeps it as it is) and
 * for a bare model name, which has no provider to name.
 */
export function pickerAlias(target: Target): string | null {
  if (!target.provider) return null;
  if (/claude|anthropic/i.test(formatTarget(target))) return null;
  return `${ALIAS}${target.provider}/${target.model}`;
}
