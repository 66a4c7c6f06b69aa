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

/** A per-million price: flat, or tiered by the request's total input tokens. */
type Rate = number | { base: number; tiers?: { start: number; price: number }[] };
type Rates = Partial<
  Record<'input_mtok' | 'output_mtok' | 'cache_read_mtok' | 'cache_write_mtok', Rate>
>;

const TOKEN_KEYS = /_mtok$/;
const USED = new Set(['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok']);

// calcPrice costs ~350 µs a call (it walks the catalog each time): a model's rates are looked up
// once per provider and model and applied here. Rates of other token kinds (audio) send the
// request through calcPrice; per-call units (web searches) are not billed by ccproxy's rows.
const ratesByModel = new Map<string, Rates | null | 'other'>();

function ratesOf(model: string, providerId: string | undefined): Rates | null | 'other' {
  const key = `${providerId ?? ''}\n${model}`;
  let rates = ratesByModel.get(key);
  if (rates === undefined) {
    let found;
    try {
      found = calcPrice(
        { input_tokens: 1, output_tokens: 1 },
        model,
        providerId ? { providerId } : {},
      );
    } catch {
      found = null;
    }
    const prices = (found?.model_price ?? null) as Record<string, unknown> | null;
    rates =
      prices === null
        ? null
        : Object.keys(prices).every(
              (k) => USED.has(k) || k === 'cache_write_1h_mtok' || !TOKEN_KEYS.test(k),
            )
          ? prices
          : 'other';
    ratesByModel.set(key, rates);
  }
  return rates;
}

/** A rate at a request's total input: the highest tier whose start it passed, else the base. */
function rateAt(rate: Rate | undefined, totalInput: number): number | undefined {
  if (rate === undefined || typeof rate === 'number') return rate;
  let price = rate.base;
  for (const tier of rate.tiers ?? []) if (totalInput > tier.start) price = tier.price;
  return price;
}

/**
 * The bundled price. Anthropic's `input_tokens` leaves cache reads and writes out; the pricing
 * package counts them in its input total and prices them apart, so they are added back.
 */
function listPrice(usage: Usage, model: string, providerId?: string): number | null {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const rates = ratesOf(model, providerId);
  if (rates === null) return null;
  const total = usage.input_tokens + cacheRead + cacheWrite;
  if (
    rates !== 'other' &&
    rates.input_mtok !== undefined &&
    (cacheRead === 0 || rates.cache_read_mtok !== undefined) &&
    (cacheWrite === 0 || rates.cache_write_mtok !== undefined)
  ) {
    return (
      perMillion(usage.input_tokens, rateAt(rates.input_mtok, total)) +
      perMillion(usage.output_tokens, rateAt(rates.output_mtok, total)) +
      perMillion(cacheRead, rateAt(rates.cache_read_mtok, total)) +
      perMillion(cacheWrite, rateAt(rates.cache_write_mtok, total))
    );
  }
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
