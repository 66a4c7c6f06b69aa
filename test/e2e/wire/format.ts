import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from '../../helpers/upstream.ts';
import type { RequestView, Turn } from '../model.ts';

/** One vendor wire format as a scripted model server speaks it. */
export interface WireFormat {
  name: string;
  /** Whether its reasoning carries a signature the model needs back (see RequestView.signatures). */
  signs: boolean;
  /** A request asking the model to generate (as opposed to counting tokens, listing models). */
  isGeneration(req: RecordedRequest): boolean;
  view(body: any, req: RecordedRequest): RequestView;
  reply(
    res: ServerResponse,
    turn: Turn,
    view: RequestView,
    body: any,
    req: RecordedRequest,
  ): Promise<void> | void;
  /** Answers every other request (count_tokens, models). */
  other(req: RecordedRequest, res: ServerResponse): void;
}

/** Every string under `text`, `content` (string), `output`, `thinking` keys, depth first. */
export function collectText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [key, inner] of Object.entries(v)) {
      if (typeof inner === 'string' && ['text', 'content', 'output', 'arguments'].includes(key))
        out.push(inner);
      else if (key === 'input' || key === 'args') out.push(JSON.stringify(inner));
      else walk(inner);
    }
  };
  walk(value);
  return out.join('\n');
}

/** Images anywhere in a value, whatever the wire calls them. */
export function countImages(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countImages(v), 0);
  if (!value || typeof value !== 'object') return 0;
  const o = value as Record<string, unknown>;
  const own =
    ['image', 'image_url', 'input_image'].includes(o.type as string) || 'inlineData' in o ? 1 : 0;
  return own + Object.values(o).reduce((n: number, v) => n + countImages(v), 0);
}

/** A string in two pieces (or none when absent): every wire streams text in fragments. */
export function halves(text: string | undefined): string[] {
  if (!text) return [];
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)].filter(Boolean);
}

/** The messages after the last model turn (the user's latest turn), and that model turn. */
export function latestTurn<T>(
  messages: T[],
  isModel: (m: T) => boolean,
): { turn: T[]; assistant: T | undefined } {
  const last = messages.findLastIndex(isModel);
  return { turn: messages.slice(last + 1), assistant: last >= 0 ? messages[last] : undefined };
}
