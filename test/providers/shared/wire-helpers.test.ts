import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contextOverflow,
  durationSeconds,
  retryAfterSeconds,
  statusForErrorCode,
  upstreamError,
} from '../../../plugins/providers/shared/errors.ts';
import { isAttributionBlock, systemText } from '../../../plugins/providers/shared/system.ts';
import { clientToolId, upstreamToolId } from '../../../plugins/providers/shared/tool-ids.ts';
import { ToolNames, shortToolName } from '../../../plugins/providers/shared/tool-names.ts';
import { ThinkTagSplitter } from '../../../plugins/providers/shared/think-tags.ts';
import { finalUsage } from '../../../plugins/providers/shared/usage.ts';

test('C11: long or invalid tool names shorten deterministically and map back', () => {
  const long = `mcp__${'x'.repeat(80)}`;
  const twin = `mcp__${'x'.repeat(79)}y`;
  assert.equal(shortToolName('Read'), 'Read');
  assert.equal(shortToolName(long), shortToolName(long));
  assert.ok(shortToolName(long).length <= 64);
  assert.notEqual(shortToolName(long), shortToolName(twin), 'a shared prefix stays distinct');
  assert.match(shortToolName('my.tool:v2'), /^my_tool_v2_[0-9a-f]{8}$/);
  const names = new ToolNames();
  const sent = names.upstream(long);
  assert.equal(names.client(sent), long);
  assert.equal(names.client('Read'), 'Read');
});

test('D11, C22: tool ids are kept, encoded reversibly, generated, or fitted to a vendor rule', () => {
  assert.equal(clientToolId('call_abc-1'), 'call_abc-1');
  const encoded = clientToolId('functions.Bash:0');
  assert.match(encoded, /^[a-zA-Z0-9_-]+$/);
  assert.equal(upstreamToolId(encoded), 'functions.Bash:0');
  assert.match(clientToolId(undefined), /^toolu_[A-Za-z0-9]{24}$/);
  assert.notEqual(clientToolId(null), clientToolId(null));
  const mistral = { pattern: /^[a-zA-Z0-9]{9}$/, length: 9 };
  assert.equal(upstreamToolId('abcDEF123', mistral), 'abcDEF123');
  const fitted = upstreamToolId('toolu_01ABCdef', mistral);
  assert.match(fitted, /^[a-zA-Z0-9]{9}$/);
  assert.equal(upstreamToolId('toolu_01ABCdef', mistral), fitted);
});

test('C1, C2: system text joins blocks and drops only a leading attribution block', () => {
  const attribution =
    'x-anthropic-billing-header: cc_version=2.1.270.f3a; cc_entrypoint=cli; cch=9c4e1;';
  assert.ok(isAttributionBlock(attribution));
  assert.equal(systemText(undefined), '');
  assert.equal(systemText('Plain.'), 'Plain.');
  assert.equal(
    systemText([
      { type: 'text', text: attribution },
      { type: 'text', text: 'A' },
      { type: 'text', text: '' },
      { type: 'text', text: 'B' },
    ]),
    'A\n\nB',
  );
});

test('E14: retry-after from seconds, dates, milliseconds and reset durations; 1 to 60', () => {
  assert.equal(retryAfterSeconds({ 'retry-after': '7' }), 7);
  assert.equal(retryAfterSeconds({ 'retry-after': '0' }), 0);
  assert.equal(retryAfterSeconds({ 'retry-after': '600' }), 60);
  assert.equal(
    retryAfterSeconds({ 'retry-after': new Date(Date.now() + 30_500).toUTCString() }) !== null,
    true,
  );
  assert.equal(retryAfterSeconds({ 'retry-after-ms': '2500' }), 3);
  assert.equal(retryAfterSeconds({ 'x-ratelimit-reset-tokens': '1m30s' }), 60);
  assert.equal(retryAfterSeconds({ 'x-ratelimit-reset-requests': '850ms' }), 1);
  assert.equal(retryAfterSeconds({}), null);
  assert.equal(durationSeconds('6m0s'), 360);
  assert.equal(durationSeconds('1h2m3s'), 3723);
  assert.equal(durationSeconds('soon'), null);
});

test("E7: context overflow wording, in both of Claude Code's forms", () => {
  assert.equal(contextOverflow('Rate limited'), null);
  assert.equal(contextOverflow('anything', 'context_length_exceeded'), 'prompt is too long');
  assert.equal(
    contextOverflow(
      "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
    ),
    'prompt is too long: 9000 tokens > 8192 maximum',
  );
  assert.equal(
    contextOverflow(
      "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (1000 in the messages, 4000 in the completion).",
    ),
    'input length and `max_tokens` exceed context limit: 1000 + 4000 > 4096',
  );
  const error = upstreamError({
    provider: 'p',
    status: 400,
    message: 'prompt is too long for this model',
  });
  assert.equal(error.status, 400);
  assert.match(error.message, /^prompt is too long \(p: prompt is too long for this model\)$/);
});

test('E1–E4: status and code mapping of upstream failures', () => {
  const cases: [number, string | undefined, string, number][] = [
    [400, undefined, 'invalid_request_error', 400],
    [409, undefined, 'invalid_request_error', 400],
    [402, undefined, 'billing_error', 402],
    [429, 'insufficient_quota', 'billing_error', 402],
    [408, undefined, 'timeout_error', 504],
    [504, undefined, 'timeout_error', 504],
    [529, undefined, 'overloaded_error', 529],
    [500, undefined, 'api_error', 500],
  ];
  for (const [status, code, type, expected] of cases) {
    const error = upstreamError({ provider: 'p', status, message: 'm', code });
    assert.deepEqual([error.type, error.status], [type, expected], `${status} ${code ?? ''}`);
  }
  assert.equal(
    upstreamError({ provider: 'p', status: 500, message: 'Model is overloaded' }).type,
    'overloaded_error',
  );
  assert.deepEqual(
    [429, 'rate_limit_exceeded', 'server_error', 'insufficient_quota', '503'].map(
      statusForErrorCode,
    ),
    [429, 429, 500, 402, 503],
  );
});

test('D13, D15: final usage subtracts cache reads and writes; estimates replace missing or zero counts', () => {
  assert.deepEqual(
    finalUsage(
      { input: 1000, output: 20, cacheRead: 600, cacheWrite: 100 },
      { input: 5, output: 5 },
    ),
    {
      input_tokens: 300,
      output_tokens: 20,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 100,
    },
  );
  assert.deepEqual(finalUsage(null, { input: 42, output: 7 }), {
    input_tokens: 42,
    output_tokens: 7,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
  });
  assert.equal(finalUsage({ input: 0, output: 3 }, { input: 42, output: 7 }).input_tokens, 42);
});

test('D8: inline <think> reasoning is split from the answer, tags cut anywhere', () => {
  const run = (pieces: string[]) => {
    const splitter = new ThinkTagSplitter();
    let reasoning = '';
    let text = '';
    for (const piece of [...pieces.map((p) => splitter.split(p)), splitter.end()]) {
      reasoning += piece[0];
      text += piece[1];
    }
    return [reasoning, text];
  };
  assert.deepEqual(run(['<think>a</think>b']), ['a', 'b']);
  assert.deepEqual(run(['<', 'think', '>x', 'y</', 'think>', '\n\n', 'z']), ['xy', 'z']);
  assert.deepEqual(run(['Plain ', 'answer <think> here']), ['', 'Plain answer <think> here']);
  assert.deepEqual(run(['<thi', 'ng>']), ['', '<thing>']);
  assert.deepEqual(run(['<think>cut off']), ['cut off', '']);
  assert.deepEqual(run(['  ']), ['', '']);
});
