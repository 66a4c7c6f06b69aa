import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import {
  ProxyError,
  SseParser,
  foldEvents,
  type MessagesRequest,
  type SseMessage,
  type StreamEvent,
} from '../../../core/index.ts';
import { ToolNames } from '../../../plugins/providers/shared/tool-names.ts';
import { responseToEvents } from '../../../plugins/providers/openai/response.ts';
import {
  endStream,
  newState,
  sseToEvents,
  type StreamState,
} from '../../../plugins/providers/openai/stream.ts';
import type { ChatResponse } from '../../../plugins/providers/openai/types.ts';

/** A recorded or documented exchange under `test/fixtures/openai/`; `source` says where its shape comes from. */
export interface Fixture {
  name: string;
  source: string;
  covers: string[];
  /** Fields added to the Anthropic request (tools, stop sequences). */
  request?: Partial<MessagesRequest>;
  /** Upstream SSE, each string one write, verbatim. */
  sse?: string[];
  /** A non-streaming upstream response. */
  response?: ChatResponse;
  expect?: {
    content: unknown[];
    stop_reason: string;
    stop_sequence?: string | null;
    usage?: Record<string, unknown>;
  };
  expectError?: { type: string; message: string };
}

const DIR = new URL('../../fixtures/openai/', import.meta.url);

export function loadFixtures(): Fixture[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.json$/, ''),
      ...(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Omit<Fixture, 'name'>),
    }));
}

/** The Anthropic request a fixture answers. */
export function fixtureRequest(fixture: Fixture): MessagesRequest {
  return {
    model: 'gpt-4o',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Go.' }],
    ...fixture.request,
  };
}

/**
 * Runs a fixture through the pure converters, as the provider loop would: every event produced,
 * and the error a failing upstream is thrown as.
 */
export function convertFixture(fixture: Fixture): { events: StreamEvent[]; error?: ProxyError } {
  const request = fixtureRequest(fixture);
  const state: StreamState = newState({
    provider: 'openai',
    model: request.model,
    inputEstimate: () => 42,
    names: new ToolNames(),
    stopSequences: request.stop_sequences ?? [],
  });
  const out: StreamEvent[] = [];
  try {
    if (fixture.response) {
      responseToEvents(state, fixture.response, out);
      return { events: out };
    }
    const parser = new SseParser();
    const messages: SseMessage[] = [];
    for (const text of fixture.sse ?? []) parser.feed(text, messages);
    parser.end(messages);
    for (const message of messages) sseToEvents(state, message, out);
    endStream(state, out);
    return { events: out };
  } catch (error) {
    if (!ProxyError.is(error)) throw error;
    return { events: out, error };
  }
}

/** Asserts a folded message matches a fixture's expectation (generated ids and estimates by shape). */
export function assertMatches(
  message:
    | ReturnType<typeof foldEvents>
    | { content: unknown[]; stop_reason: unknown; stop_sequence: unknown; usage: object },
  expect: NonNullable<Fixture['expect']>,
): void {
  const content = (message.content as Record<string, unknown>[]).map((block) => {
    if (block.type !== 'tool_use') return block;
    const id = String(block.id);
    if (
      expect.content.some((b) => (b as { id?: string }).id === '<generated>') &&
      /^toolu_[A-Za-z0-9]{24}$/.test(id)
    ) {
      return { ...block, id: '<generated>' };
    }
    return block;
  });
  assert.deepEqual(content, expect.content);
  assert.equal(message.stop_reason, expect.stop_reason);
  if (expect.stop_sequence !== undefined) assert.equal(message.stop_sequence, expect.stop_sequence);
  const usage = message.usage as Record<string, unknown>;
  for (const [key, value] of Object.entries(expect.usage ?? {})) {
    if (value === '<estimate>')
      assert.ok(typeof usage[key] === 'number' && usage[key] > 0, `${key} is a positive estimate`);
    else assert.deepEqual(usage[key], value, key);
  }
}
