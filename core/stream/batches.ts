import type { StreamEvent } from '../anthropic.ts';

/** Where an event source keeps its batch view (`EventBatches`). */
export const EVENT_BATCHES: unique symbol = Symbol.for('ccproxy.eventBatches');

/**
 * An event source that can also give, in one step, the events one upstream read produced. Under
 * load one read carries a dozen events or more: the pipeline's guard stage takes them in one async
 * step instead of one each. A batch is read before the next `next()`, which may reuse its array.
 * Each iteration, of events or of batches, is one provider call.
 */
export interface EventBatches extends AsyncIterable<StreamEvent> {
  [EVENT_BATCHES](): AsyncIterator<readonly StreamEvent[], void>;
}

/** True when `source` offers batches (the translated adapters' provider loop does). */
export function hasBatches(source: AsyncIterable<StreamEvent>): source is EventBatches {
  return typeof (source as Partial<EventBatches>)[EVENT_BATCHES] === 'function';
}

/**
 * A source whose `batches()` makes one call: iterated by batch by the pipeline, by event by
 * anything else (a plugin calling a provider's `send` itself).
 */
export function batchedSource(
  batches: () => AsyncGenerator<readonly StreamEvent[], void>,
): EventBatches {
  return {
    [EVENT_BATCHES]: batches,
    [Symbol.asyncIterator]: () => eachEvent(batches()),
  };
}

async function* eachEvent(
  batches: AsyncIterable<readonly StreamEvent[]>,
): AsyncGenerator<StreamEvent, void> {
  for await (const batch of batches) for (const event of batch) yield event;
}
