import { ConfigError } from '../../core/errors.ts';
import type { ConfigSpec } from '../config-writer.ts';

/** What an importer makes of a peer's config: the config to write and what goes beside it. */
export interface Imported {
  spec: ConfigSpec;
  /** Keys found in the file, by the variable the written config reads them from (for `.env`). */
  secrets: Record<string, string>;
  /** What has no equivalent in ccproxy (or needs a hand), one line each. */
  dropped: string[];
}

/**
 * Reads a peer's file one field at a time; a wrong field stops the import with the file, the
 * place in it and what was expected (and nothing is written).
 */
export class Reader {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  fail(place: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : JSON.stringify(got);
    throw new ConfigError(`${this.file}: ${place}: expected ${expected}, got ${shown}`);
  }

  /** The file as a JSON object. */
  json(text: string): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return this.fail('the file', 'JSON', (error as Error).message);
    }
    return this.object(parsed, 'the file');
  }

  object(value: unknown, place: string): Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    return this.fail(place, 'an object', value);
  }

  array(value: unknown, place: string): unknown[] {
    return Array.isArray(value) ? value : this.fail(place, 'an array', value);
  }

  string(value: unknown, place: string): string {
    return typeof value === 'string' && value !== '' ? value : this.fail(place, 'a string', value);
  }

  optionalString(value: unknown, place: string): string | undefined {
    return value === undefined ? undefined : this.string(value, place);
  }

  /** `provider,model`, as claude-code-router and ccproxy both write a target. */
  target(value: unknown, place: string): string {
    const text = this.string(value, place);
    return /^[^,\s]+,\S+$/.test(text) ? text : this.fail(place, '"provider,model"', value);
  }

  url(value: unknown, place: string): URL {
    try {
      return new URL(this.string(value, place));
    } catch {
      return this.fail(place, 'a URL', value);
    }
  }
}

/** `DEEPSEEK_API_KEY` for a provider named `deepseek` (`my-llm` → `MY_LLM_API_KEY`). */
export const keyVariable = (provider: string): string =>
  `${provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;

/**
 * A peer's provider name as a ccproxy provider name (the part before the comma of `name,model`):
 * spaces, commas and slashes become `-` (`Anthropic Direct` → `Anthropic-Direct`).
 */
export const providerName = (name: string): string => name.trim().replace(/[\s,/]+/g, '-');

/** `$VAR` or `${VAR}` (how claude-code-router refers to the environment), else undefined. */
const envReference = (value: string): string | undefined =>
  /^\$\{?([A-Za-z_]\w*)\}?$/.exec(value)?.[1];

/**
 * Where the written config reads a provider's key from: the variable the file already names
 * (`$VAR`), else `<NAME>_API_KEY`, whose value (`secret`) goes to `.env`. No key: neither.
 */
export function keyOf(provider: string, raw: string | undefined) {
  if (!raw) return {};
  const named = envReference(raw);
  return named ? { apiKeyEnv: named } : { apiKeyEnv: keyVariable(provider), secret: raw };
}

/** The scenario routes claude-code-router and the Go ccproxy share, each a `provider,model`. */
export interface ScenarioRoutes {
  default: string;
  background?: string;
  think?: string;
  longContext?: string;
  longContextThreshold?: number;
  webSearch?: string;
  image?: string;
  /** Routes named after a requested model. */
  models?: Record<string, string>;
}

/**
 * The tiers carry default and background (so that `ccproxy switch` still moves them); the
 * router's rules the rest.
 */
export function routing(routes: ScenarioRoutes): Pick<ConfigSpec, 'tiers' | 'router'> {
  const rules: Record<string, unknown> = {};
  if (routes.models && Object.keys(routes.models).length > 0) rules.routes = routes.models;
  if (routes.think) rules.thinking = routes.think;
  if (routes.longContext)
    rules.longContext = {
      model: routes.longContext,
      ...(routes.longContextThreshold !== undefined && { threshold: routes.longContextThreshold }),
    };
  if (routes.webSearch) rules.webSearch = routes.webSearch;
  if (routes.image) rules.images = routes.image;
  return {
    tiers: {
      big: routes.default,
      middle: routes.default,
      small: routes.background ?? routes.default,
    },
    ...(Object.keys(rules).length > 0 && { router: rules }),
  };
}
