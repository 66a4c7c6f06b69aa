import { readFileSync } from 'node:fs';
import { calcPrice, type Usage as PriceUsage } from '@pydantic/genai-prices';
import type { Usage } from '../../core/index.ts';
import type { Price } from '../../core/storage.ts';

/** What one request cost, and where the price came from. */
export interface Cost {
  /** USD; null when the model has no price (unpriced, never 0). */
  usd: number | null;
  source: string | null;
}

// The bundled data's version names the price source of every row priced with it.
const PACKAGE_SOURCE = (() => {
  const url = new URL('../package.json', import.meta.resolve('@pydantic/genai-prices'));
  const { version } = JSON.parse(readFileSync(url, 'utf8')) as { version: string };
  return `genai-prices@${version}`;
})();

const perMillion = (tokens: number, usd: number | undefined) => (tokens * (usd ?? 0)) / 1e6;

/**
 * Prices requests: the config's `pricing` (`provider,model` → USD per million tokens) first, then
 * the bundled `@pydantic/genai-prices` data (offline), by provider name and then by model name.
 */
export class Pricer {
  readonly #overrides: ReadonlyMap<string, Price>;

  constructor(overrides: Record<string, Price> = {}) {
    this.#overrides = new Map(Object.entries(overrides));
  }

  /** The cost of `usage` at `provider`'s price of `model`. */
  cost(provider: string, model: string, usage: Usage): Cost {
    const override = this.#overrides.get(`${provider},${model}`);
    if (override) {
      const usd =
        perMillion(usage.input_tokens, override.input) +
        perMillion(usage.output_tokens, override.output) +
        perMillion(usage.cache_read_input_tokens ?? 0, override.cacheRead ?? override.input) +
        perMillion(usage.cache_creation_input_tokens ?? 0, override.cacheWrite ?? override.input);
      return { usd, source: 'config' };
    }
    const usd = listPrice(usage, model, provider) ?? listPrice(usage, model);
    return usd === null ? { usd: null, source: null } : { usd, source: PACKAGE_SOURCE };
  }

  /** What `usage` costs at Anthropic's list price of `model`; null when it is not an Anthropic model. */
  anthropicCost(model: string, usage: Usage): number | null {
    return listPrice(usage, model, 'anthropic');
  }
}

/**
 * The bundled price. Anthropic's `input_tokens` leaves cache reads and writes out; the pricing
 * package counts them in its input total and prices them apart, so they are added back.
 */
function listPrice(usage: Usage, model: string, providerId?: string): number | null {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const priced: PriceUsage = {
    input_tokens: usage.input_tokens + cacheRead + cacheWrite,
    output_tokens: usage.output_tokens,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
  };
  try {
    return calcPrice(priced, model, providerId ? { providerId } : {})?.total_price ?? null;
  } catch {
    // A model whose data cannot price this usage (a missing cache price) is unpriced, not 0.
    return null;
  }
}
