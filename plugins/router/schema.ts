/** The router's options as JSON Schema, checked once at load (STYLE 2.7). */
const ref = { type: 'string', minLength: 1 };
const limit = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requestsPerMinute: { type: 'number', exclusiveMinimum: 0 },
    tokensPerMinute: { type: 'number', exclusiveMinimum: 0 },
  },
};
const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['model'],
  properties: { model: ref, fallbacks: { type: 'array', items: ref }, params: { type: 'object' } },
};
const route = { anyOf: [ref, spec] };
const ms = { type: 'number', exclusiveMinimum: 0 };

export const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    custom: {},
    routes: { type: 'object', additionalProperties: route },
    longContext: {
      anyOf: [
        ref,
        { ...spec, properties: { ...spec.properties, threshold: { type: 'integer', minimum: 1 } } },
      ],
    },
    background: route,
    thinking: route,
    webSearch: route,
    images: route,
    default: route,
    fallbacks: { type: 'object', additionalProperties: { type: 'array', items: ref } },
    retry: {
      anyOf: [
        { const: false },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            attempts: { type: 'integer', minimum: 0 },
            baseMs: ms,
            maxMs: ms,
            totalMs: ms,
          },
        },
      ],
    },
    breaker: {
      anyOf: [
        { const: false },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            failures: { type: 'integer', minimum: 1 },
            errorRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
            windowMs: ms,
            minRequests: { type: 'integer', minimum: 1 },
            openMs: ms,
            probes: { type: 'integer', minimum: 1 },
          },
        },
      ],
    },
    rateLimits: {
      type: 'object',
      additionalProperties: false,
      properties: { client: limit, providers: { type: 'object', additionalProperties: limit } },
    },
    timeouts: {
      type: 'object',
      additionalProperties: false,
      properties: { firstByteMs: ms, idleMs: ms },
    },
    continuation: { type: 'boolean' },
    redis: ref,
  },
};
