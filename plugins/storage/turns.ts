import type { Manifest } from './parts.ts';
import type { RawParts } from './raw-json.ts';

/** A request of a conversation as it was cut: its received pieces and their parts' hashes. */
export interface Turn {
  raw: RawParts;
  hashes: Pick<Manifest, 's' | 't' | 'm'>;
}

/**
 * The last request of each recent conversation (a Claude Code session's main thread, or one of its
 * subagents, per model). Claude Code resends the whole conversation every turn: the next request's
 * pieces equal to this one's are found by comparing text (no scan of the body, no hash), the rest
 * as before. Bounded by conversations and by the characters of the bodies the turns keep alive
 * (their pieces are slices of the received text); the least recently used go first.
 */
export class LastTurns {
  readonly #turns = new Map<string, { turn: Turn; chars: number }>();
  readonly #maxTurns: number;
  readonly #maxChars: number;
  #chars = 0;

  constructor(maxTurns = 64, maxChars = 16 * 1024 * 1024) {
    this.#maxTurns = maxTurns;
    this.#maxChars = maxChars;
  }

  get(conversation: string): Turn | undefined {
    return this.#turns.get(conversation)?.turn;
  }

  /** Keeps `turn`, cut from a body of `chars` characters, as its conversation's last. */
  set(conversation: string, turn: Turn, chars: number): void {
    this.delete(conversation);
    if (chars > this.#maxChars / 4) return; // one huge body would push out every other
    this.#turns.set(conversation, { turn, chars });
    this.#chars += chars;
    for (const [key] of this.#turns) {
      if (this.#turns.size <= this.#maxTurns && this.#chars <= this.#maxChars) break;
      this.delete(key);
    }
  }

  delete(conversation: string): void {
    const entry = this.#turns.get(conversation);
    if (!entry) return;
    this.#turns.delete(conversation);
    this.#chars -= entry.chars;
  }
}
