import { Options, Type, type Static } from './schema.ts';

// The top-level keys the cockpit plugins read (DESIGN §8.2), checked with the rest of the config
// at load; `core/storage.ts` re-exports their types beside the Storage interface that uses them.

/** USD amounts: never negative. */
const Usd = Type.Number({ minimum: 0 });

/** Top-level `storage`: a URL (`sqlite:PATH`, `postgres://…`), or `false` for memory only. */
export const StorageSetting = Type.Union([
  Type.Literal(false),
  Type.String({ pattern: '^(sqlite:|postgres(ql)?://)' }),
]);
export type StorageSetting = Static<typeof StorageSetting>;

/** Top-level `history`: what is kept of each request's conversation. */
export const HistoryOptions = Options({
  /** `full`: messages and answer; `metadata`: the row only; `off`: neither body nor search. Default `full`. */
  bodies: Type.Optional(Type.Enum(['full', 'metadata', 'off'])),
  /** Days bodies are kept; request rows (usage) are kept. Default 30. */
  retentionDays: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  /** A larger request body is kept as its row only. Default 4 MB. */
  maxBodyBytes: Type.Optional(Type.Integer({ minimum: 1 })),
  /** More secret patterns (regular expressions) to redact before writing. */
  redact: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
});
export type HistoryOptions = Static<typeof HistoryOptions>;

/** USD per million tokens. */
export const Price = Options({
  input: Usd,
  output: Usd,
  /** Default: the input price. */
  cacheRead: Type.Optional(Usd),
  /** Default: the input price. */
  cacheWrite: Type.Optional(Usd),
});
export type Price = Static<typeof Price>;

/** Top-level `pricing`: prices by `provider,model`, over the bundled pricing data. */
export const Pricing = Type.Record(Type.String(), Price, {
  propertyNames: { pattern: '^[^,]+,.+$' },
});

/** Top-level `budgets`, in USD: over one, requests are refused until it resets. */
export const BudgetOptions = Options({
  /** Per Claude Code session, for the session's life. */
  session: Type.Optional(Usd),
  /** For everyone, per UTC day. */
  day: Type.Optional(Usd),
  /** Per client key, per UTC day: the key as presented (e.g. `process.env.TEAM_KEY`) or its key id. */
  keys: Type.Optional(Type.Record(Type.String(), Usd)),
});
export type BudgetOptions = Static<typeof BudgetOptions>;
