import type { BlockDelta, MessagesRequest, StreamEvent } from '../../core/index.ts';

const NONE = -1;

/**
 * Mid-stream continuation: what the client has been sent of the answer, so that when the stream
 * breaks another target can be asked to go on from it (the partial text as an assistant prefix)
 * and its events be sewn onto the client's stream as one uninterrupted message.
 *
 * Only text can be resumed: once a tool call or a server block has started, or a thinking block is
 * cut in half, a seam would change what the answer means, and the break is reported instead.
 */
export class Seam {
  /** The text sent so far, per block, in order. */
  private readonly text: string[] = [];
  /** Index (as the client sees it) of the open block, and whether it is text. */
  private open = NONE;
  private openIsText = false;
  private nextIndex = 0;
  private resumable = true;
  /** Set while sewing a continuation: its block indices → the client's. */
  private map: Map<number, number> | null = null;
  /** Whitespace cut from the end of the prefix (an assistant prefix may not end with it). */
  private trimmed = false;
  seams = 0;

  /** Follows an event on its way to the client. */
  observe(event: StreamEvent): void {
    switch (event.type) {
      case 'content_block_start':
        this.open = event.index;
        this.nextIndex = Math.max(this.nextIndex, event.index + 1);
        this.openIsText = event.content_block.type === 'text';
        if (this.openIsText) this.text.push((event.content_block as { text?: string }).text ?? '');
        else if (event.content_block.type !== 'thinking') this.resumable = false;
        return;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') this.text.push(textOf(event.delta));
        return;
      case 'content_block_stop':
        this.open = NONE;
        return;
      default:
    }
  }

  /** Whether the answer so far can be continued by another target. */
  get canResume(): boolean {
    return this.resumable && (this.open === NONE || this.openIsText);
  }

  /** Characters of text the client has, for the log's seam mark. */
  get sentChars(): number {
    return this.text.reduce((n, t) => n + t.length, 0);
  }

  /**
   * The request that asks for the rest: the original one with the partial answer as a final
   * assistant message. Thinking is turned off, since the answer is past it (and Anthropic refuses a
   * thinking request whose assistant prefix does not start with a thinking block).
   */
  continuation(original: MessagesRequest): MessagesRequest {
    this.seams++;
    this.map = new Map();
    const full = this.text.join('');
    const prefix = full.trimEnd();
    this.trimmed = prefix.length < full.length;
    const request: MessagesRequest = { ...original, messages: [...original.messages] };
    delete request.thinking;
    if (prefix) request.messages.push({ role: 'assistant', content: prefix });
    return request;
  }

  /** A continuation's event as the client must see it: pushed onto `out` (zero, one or two events). */
  sew(event: StreamEvent, out: StreamEvent[]): void {
    const map = this.map!;
    switch (event.type) {
      case 'message_start':
        return; // the client already has one
      case 'content_block_start': {
        if (map.size === 0 && this.open !== NONE) {
          if (event.content_block.type === 'text') {
            map.set(event.index, this.open); // the same text block goes on
            return;
          }
          out.push({ type: 'content_block_stop', index: this.open });
        }
        map.set(event.index, this.nextIndex);
        out.push({ ...event, index: this.nextIndex });
        return;
      }
      case 'content_block_delta':
        if (this.trimmed && event.delta.type === 'text_delta') {
          // The client already has the whitespace left out of the prefix; the model repeats it.
          const text = textOf(event.delta).trimStart();
          if (!text) return;
          this.trimmed = false;
          out.push({
            ...event,
            index: map.get(event.index) ?? event.index,
            delta: { ...event.delta, text },
          });
          return;
        }
        out.push({ ...event, index: map.get(event.index) ?? event.index });
        return;
      case 'content_block_stop':
        out.push({ ...event, index: map.get(event.index) ?? event.index });
        return;
      case 'message_delta':
        if (map.size === 0 && this.open !== NONE)
          out.push({ type: 'content_block_stop', index: this.open });
        out.push(event);
        return;
      default:
        out.push(event);
    }
  }
}

/** A `text_delta`'s text (the delta union is open, so TypeScript cannot narrow it by `type`). */
const textOf = (delta: BlockDelta): string => (delta as { text: string }).text;
