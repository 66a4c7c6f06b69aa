/**
 * JSON Schema of the top-level keys the cockpit plugins read (`storage`, `history`, `pricing`,
 * `budgets`; DESIGN §8.2), checked with the rest of the config at load.
 */
const usd = { type: 'number', minimum: 0 };

export const cockpitSchema = {
  storage: {
    oneOf: [{ const: false }, { type: 'string', pattern: '^(sqlite:|postgres(ql)?://)' }],
  },
  history: {
    type: 'object',
    additionalProperties: false,
    properties: {
      bodies: { enum: ['full', 'metadata', 'off'] },
      retentionDays: { type: 'number', exclusiveMinimum: 0 },
      maxBodyBytes: { type: 'integer', minimum: 1 },
      redact: { type: 'array', items: { type: 'string', minLength: 1 } },
    },
  },
  pricing: {
    type: 'object',
    propertyNames: { pattern: '^[^,]+,.+$' },
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      required: ['input', 'output'],
      properties: { input: usd, output: usd, cacheRead: usd, cacheWrite: usd },
    },
  },
  budgets: {
    type: 'object',
    additionalProperties: false,
    properties: {
      session: usd,
      day: usd,
      keys: { type: 'object', additionalProperties: usd },
    },
  },
} as const;
