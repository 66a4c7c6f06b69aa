import { ConfigError } from '../../core/index.ts';

/** A variable holding a positive integer; undefined when unset or empty. */
export function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new ConfigError(`${name}: expected a positive integer, got "${raw}"`);
  return value;
}

/** `MAX_TOKENS_LIMIT` and `MIN_TOKENS_LIMIT`: the bounds the Python proxy put on `max_tokens`. */
export const maxTokensOf = (env: NodeJS.ProcessEnv) => ({
  max: positiveInt(env, 'MAX_TOKENS_LIMIT') ?? 4096,
  min: positiveInt(env, 'MIN_TOKENS_LIMIT') ?? 100,
});
