/**
 * Thinking-block signatures that ccproxy mints (PROTOCOL §7.5). A translated provider's reasoning
 * reaches Claude Code as a `thinking` block whose `signature` is `ccp1.<kind>.<payload>`; Claude
 * Code replays it unchanged, so the adapter that minted it can restore its data (a Gemini thought
 * signature, a Responses `encrypted_content`), and native Anthropic never receives it (F5).
 */
const PREFIX = 'ccp1.';

/** Who minted a signature; each adapter reads back only its own kind. */
export type SignatureKind = 'openai' | 'gemini' | 'responses' | (string & {});

/** A signature for a block `kind` produced; `payload` is opaque to everyone else. */
export function mintSignature(kind: SignatureKind, payload = ''): string {
  return `${PREFIX}${kind}.${payload}`;
}

/** The kind and payload of a ccproxy-minted signature, or null for a genuine Anthropic one. */
export function readSignature(signature: unknown): { kind: string; payload: string } | null {
  if (typeof signature !== 'string' || !signature.startsWith(PREFIX)) return null;
  const dot = signature.indexOf('.', PREFIX.length);
  if (dot === -1) return null;
  return { kind: signature.slice(PREFIX.length, dot), payload: signature.slice(dot + 1) };
}

/** True for a signature ccproxy minted (any kind). */
export const isMintedSignature = (signature: unknown): boolean => readSignature(signature) !== null;
