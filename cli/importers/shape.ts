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

/** `$VAR` or `${VAR}` (how claude-code-router refers to the environment), else undefined. */
export const envReference = (value: string): string | undefined =>
  /^\$\{?([A-Za-z_]\w*)\}?$/.exec(value)?.[1];
