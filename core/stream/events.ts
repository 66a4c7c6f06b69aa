import type { MessageStartEvent, Usage } from '../anthropic.ts';
import { messageId } from '../ids.ts';

/** A `message_start`: a fresh `msg_` id, empty content, no stop reason yet (PROTOCOL §3.2, B3). */
export function messageStartEvent(model: string, usage: Usage): MessageStartEvent {
  return {
    type: 'message_start',
    message: {
      id: messageId(),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  };
}
