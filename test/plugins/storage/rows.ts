import type { RequestRow } from '../../../core/storage.ts';

let n = 0;

/** A request row with defaults; `time` steps a second per row so order is by arrival. */
export function row(fields: Partial<RequestRow> = {}): RequestRow {
  n++;
  return {
    id: `req_test_${String(n).padStart(6, '0')}`,
    time: new Date(Date.UTC(2026, 11, 7, 12, 0, n % 3600)).toISOString(),
    session_id: 'session-a',
    agent_id: null,
    key_id: null,
    requested_model: 'claude-sonnet-4-5',
    route: 'tier:middle',
    provider: 'openai',
    model: 'gpt-4o',
    attempts: [],
    status: 200,
    error_type: null,
    stream: true,
    duration_ms: 120,
    ttft_ms: 40,
    input_tokens: 100,
    output_tokens: 10,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    cost_usd: 0.001,
    saved_usd: 0.002,
    price_source: 'test',
    instance: 'test-1',
    ...fields,
  };
}
