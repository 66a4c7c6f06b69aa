import { createHash } from 'node:crypto';
import { toolUseId } from '../../../core/index.ts';

/** Anthropic's tool id rule (PROTOCOL §1.3); an id breaking it gets a 400 on replay. */
const VALID_ID = /^[a-zA-Z0-9_-]+$/;
/** Marks an id that carries an upstream id base64url-encoded, so it can be restored exactly. */
const ENCODED = 'toolu_ccp_';

/**
 * The id a client sees for an upstream tool call id (D11): a valid id is kept; an invalid one
 * (`functions.Bash:0`) is encoded reversibly so the upstream gets its own id back in the next
 * turn; a missing one is generated.
 */
export function clientToolId(upstreamId: string | undefined | null): string {
  if (!upstreamId) return toolUseId();
  if (VALID_ID.test(upstreamId) && !upstreamId.startsWith(ENCODED)) return upstreamId;
  return ENCODED + Buffer.from(upstreamId, 'utf8').toString('base64url');
}

/** A rule an upstream imposes on tool ids; ids breaking it are rewritten deterministically. */
export interface ToolIdRule {
  pattern: RegExp;
  /** Characters of a rewritten id. */
  length: number;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The id sent upstream for a client's tool id: an id `clientToolId` encoded is decoded back to
 * the upstream's original; then, if the upstream has a rule (Mistral: 9 alphanumerics) the id
 * breaks, a hash of it in the rule's alphabet (C22). Pure, so a `tool_use` and its
 * `tool_result` map to the same id without any shared state.
 */
export function upstreamToolId(clientId: string, rule?: ToolIdRule): string {
  let id = clientId;
  if (id.startsWith(ENCODED))
    id = Buffer.from(id.slice(ENCODED.length), 'base64url').toString('utf8');
  if (!rule || rule.pattern.test(id)) return id;
  const digest = createHash('sha256').update(clientId).digest();
  let out = '';
  for (let i = 0; i < rule.length; i++) out += BASE62[digest[i]! % BASE62.length];
  return out;
}
