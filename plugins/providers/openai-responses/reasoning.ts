/**
 * What a Responses reasoning item needs to be replayed statelessly: its `id` and its
 * `encrypted_content` (the API rejects a replayed item without its id, `input[n].id`). Both travel
 * in the signature ccproxy mints for the thinking block, as `<id>:<encrypted_content>`; neither an
 * item id nor base64 holds a colon.
 */
export function reasoningPayload(id: string, encrypted: string): string {
  return `${id}:${encrypted}`;
}

/** The id and encrypted content of a minted payload; null for one minted without its id. */
export function readReasoningPayload(payload: string): { id: string; encrypted: string } | null {
  const colon = payload.indexOf(':');
  if (colon <= 0 || colon === payload.length - 1) return null;
  return { id: payload.slice(0, colon), encrypted: payload.slice(colon + 1) };
}
