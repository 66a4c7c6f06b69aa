/**
 * A label whose values come from clients (model names): the first `cap` distinct values are kept,
 * later ones collapse to `other`, so a client sending random names cannot grow the series without
 * bound.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  value(raw: string): string {
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.cap) return 'other';
    this.seen.add(raw);
    return raw;
  }
}
