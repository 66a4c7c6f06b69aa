import type { HistoryBody, RequestRow } from '../../core/storage.ts';
import { PartAliases, splitBody, type Manifest } from './parts.ts';
import { LastTurns } from './turns.ts';

/** A part waiting in the write queue: redacted JSON, one object for every queued request sending it. */
export interface HeldPart {
  readonly hash: string;
  /** The part as JSON, secrets redacted: what is written. */
  readonly redacted: string;
  readonly searchable: boolean;
  /** Queued requests holding it; it leaves the queue's count when the last one is released. */
  holders: number;
}

/**
 * A request as the SQL stores queue it: its row and, with history, its body's manifest and only
 * the parts not known to be stored. Nothing else of the body is held: a queued request no longer
 * keeps the client's whole body (its parsed messages and text) alive until the next flush.
 */
export interface QueuedEntry {
  row: RequestRow;
  history?: { manifest: Manifest; parts: HeldPart[] };
}

/**
 * Cuts bodies into parts when a request is recorded and holds the parts that must be written, each
 * once however many queued requests send it; counts the characters held, for `/health`.
 */
export class HeldParts {
  readonly #held = new Map<string, HeldPart>();
  readonly #aliases = new PartAliases();
  readonly #turns = new LastTurns();
  readonly #redact: (text: string) => string;
  readonly #isStored: (hash: string, ts: number) => boolean;
  #chars = 0;

  /**
   * `isStored(hash, ts)`: the part is known to be in the database and needs no write for a
   * request made at `ts` (its `last_ts` is fresh enough).
   */
  constructor(redact: (text: string) => string, isStored: (hash: string, ts: number) => boolean) {
    this.#redact = redact;
    this.#isStored = isStored;
  }

  /** Characters of part JSON held for the queue's requests. */
  get chars(): number {
    return this.#chars;
  }

  /**
   * The manifest of `body` and the parts a write must store or touch; the others by hash only.
   * `conversation` names the conversation the request continues (`LastTurns`), when known.
   */
  hold(body: HistoryBody, ts: number, conversation?: string): NonNullable<QueuedEntry['history']> {
    const memory = { aliases: this.#aliases, turns: this.#turns, conversation };
    const { manifest, parts } = splitBody(body, memory);
    if (body.params) manifest.p = this.#redact(JSON.stringify(body.params));
    const held: HeldPart[] = [];
    for (const part of parts) {
      if (this.#isStored(part.hash, ts)) continue;
      let entry = this.#held.get(part.hash);
      if (!entry) {
        // Read once here: a Part's `json` may serialise on read (never spread a Part).
        const redacted = this.#redact(part.json);
        entry = { hash: part.hash, redacted, searchable: part.searchable, holders: 0 };
        this.#held.set(part.hash, entry);
        this.#chars += redacted.length;
      }
      entry.holders++;
      held.push(entry);
    }
    return { manifest, parts: held };
  }

  /** A queued request left the queue (written, or dropped while the database failed). */
  release(entry: QueuedEntry): void {
    for (const part of entry.history?.parts ?? []) {
      if (--part.holders > 0) continue;
      this.#held.delete(part.hash);
      this.#chars -= part.redacted.length;
    }
  }
}
