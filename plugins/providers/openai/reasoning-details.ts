import { readSignature } from '../shared/signature.ts';

/**
 * One of OpenRouter's `reasoning_details` (openrouter.ai/docs/use-cases/reasoning-tokens):
 * `reasoning.text` (with an Anthropic signature), `reasoning.summary`, `reasoning.encrypted`
 * (Gemini thought signatures, OpenAI encrypted reasoning). Upstreams need them back unchanged on
 * later turns to continue reasoning across tool calls.
 */
export interface ReasoningDetail {
  type: string;
  index?: number;
  text?: string | null;
  summary?: string | null;
  [key: string]: unknown;
}

/**
 * Folds streamed pieces into whole details: pieces of one `index` and type join (their text and
 * summary concatenate, other fields take the latest non-null value); others append.
 */
export function mergeDetails(into: ReasoningDetail[], pieces: readonly ReasoningDetail[]): void {
  for (const piece of pieces) {
    const same = into.find(
      (detail) =>
        detail.index !== undefined && detail.index === piece.index && detail.type === piece.type,
    );
    if (!same) {
      into.push({ ...piece });
      continue;
    }
    for (const [key, value] of Object.entries(piece)) {
      if (value === null || value === undefined) continue;
      const before = same[key];
      const joins = (key === 'text' || key === 'summary') && typeof before === 'string';
      same[key] = joins && typeof value === 'string' ? before + value : value;
    }
  }
}

/** The signature payload that carries `details` in a thinking block (§7.5). */
export function encodeDetails(details: readonly ReasoningDetail[]): string {
  return Buffer.from(JSON.stringify(details)).toString('base64url');
}

/** The details a signature of this adapter carries; empty for any other signature. */
export function detailsFromSignature(signature: unknown): ReasoningDetail[] {
  const minted = readSignature(signature);
  if (minted?.kind !== 'openai' || !minted.payload) return [];
  try {
    const details = JSON.parse(
      Buffer.from(minted.payload, 'base64url').toString('utf8'),
    ) as unknown;
    return Array.isArray(details) ? (details as ReasoningDetail[]) : [];
  } catch {
    return [];
  }
}
