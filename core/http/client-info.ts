import type { IncomingMessage } from 'node:http';
import type { ClientInfo } from '../context.ts';
import { clientAddress, type AddressSet } from './address.ts';

/**
 * Who called, read once per request from its headers (before the body): the address (through
 * trusted proxies), the credential presented (`x-api-key`, else `Authorization: Bearer`) and the
 * headers. Every route, the hot path and plugins' routes alike, sees this one object.
 */
export function clientInfo(req: IncomingMessage, trusted: AddressSet | null): ClientInfo {
  const headers = req.headers;
  let key = headers['x-api-key'] as string | undefined;
  if (!key) {
    const match = /^bearer\s+(.+)$/i.exec(headers.authorization ?? '');
    key = match?.[1]?.trim();
  }
  return { ip: clientAddress(req, trusted), key, headers, access: undefined };
}
