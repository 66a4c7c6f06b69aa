import type { StreamEvent } from '../anthropic.ts';

/**
 * The frame of a content delta up to its one variable field's JSON, by delta type: the commonest
 * events of a stream are built from it with only the generated text JSON-encoded.
 */
const DELTA_FRAMES: ReadonlyMap<string, DeltaFrame> = new Map([
  ['text_delta', deltaFrame('text_delta', 'text')],
  ['thinking_delta', deltaFrame('thinking_delta', 'thinking')],
  ['input_json_delta', deltaFrame('input_json_delta', 'partial_json')],
]);

interface DeltaFrame {
  /** The delta's variable field. */
  field: string;
  /** The delta's keys in the order the adapters build it. */
  keys: readonly string[];
  /** The frame between the index and the field's JSON. */
  middle: string;
}

function deltaFrame(type: string, field: string): DeltaFrame {
  return { field, keys: ['type', field], middle: `,"delta":{"type":"${type}","${field}":` };
}

const DELTA_START = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":';
const DELTA_KEYS = ['type', 'index', 'delta'] as const;

/**
 * One event on the wire: the `event:` name always equals the data's `type` (PROTOCOL B2). A text,
 * thinking or argument delta shaped as the adapters build it (its keys in that order, no others)
 * is framed from a template, byte for byte what `JSON.stringify` gives, at about a third of the
 * cost; anything else, a plugin's reshaped delta included, is stringified.
 */
export function serializeEvent(event: StreamEvent): string {
  if (event.type === 'content_block_delta') {
    const frame = templated(event);
    if (frame !== null) return frame;
  }
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function templated(event: StreamEvent & { type: 'content_block_delta' }): string | null {
  const { index, delta } = event;
  const frame = DELTA_FRAMES.get(delta.type);
  if (frame === undefined || typeof index !== 'number' || !Number.isFinite(index)) return null;
  const value = (delta as unknown as Record<string, unknown>)[frame.field];
  if (typeof value !== 'string') return null;
  if (!keysAre(event, DELTA_KEYS) || !keysAre(delta, frame.keys)) return null;
  return `${DELTA_START}${index}${frame.middle}${JSON.stringify(value)}}}\n\n`;
}

/**
 * True when `value` is a plain object whose enumerable keys are exactly `names`, in that order:
 * then `JSON.stringify` writes those keys and nothing else (no inherited `toJSON`).
 */
function keysAre(value: object, names: readonly string[]): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  let i = 0;
  for (const key in value) if (names[i++] !== key) return false;
  return i === names.length;
}

export const PING = serializeEvent({ type: 'ping' });

/** Headers of an SSE response; proxies in front must not buffer it (PROTOCOL §3.1). */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;
