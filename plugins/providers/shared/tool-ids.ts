import { createHash } from 'node:crypto';

/** Anthropic's rule for tool ids (PROTOCOL §1.3): anything else is a 400 "String should match pattern". */
const VALID = /^[a-zA-Z0-9_-]+$/;

/**
 * A tool id Anthropic accepts: valid ids unchanged; others with each bad character replaced and
 * a short hash of the original appended, so the same id always maps to the same result and two
 * ids that differ only in bad characters stay distinct (F6, D11).
 */
export function anthropicToolId(id: string): string {
  if (VALID.test(id)) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}_${hash}`;
}

export const isValidToolId = (id: string): boolean => VALID.test(id);
