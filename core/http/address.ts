import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../errors.ts';

/**
 * A set of addresses and CIDR ranges (`10.0.0.0/8`, `::1`, `fd00::/8`). Node's BlockList matches
 * an IPv4 rule against an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) and back, which is how a
 * dual-stack server sees IPv4 clients.
 */
export interface AddressSet {
  has(address: string): boolean;
}

/** Parses `entries`; a malformed one throws a ConfigError naming `where` and the entry. */
export function addressSet(entries: readonly string[], where: string): AddressSet {
  const list = new BlockList();
  entries.forEach((entry, i) => {
    const [address = '', bits, extra] = entry.trim().split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new ConfigError(
        `${where}[${i}]: expected an IPv4 or IPv6 address or CIDR range (10.0.0.0/8, ::1), got "${entry}"`,
      );
    }
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  });
  return {
    has(address) {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address: the peer's, or, when the peer is a trusted proxy, the last address in
 * `X-Forwarded-For` that is not itself a trusted proxy (entries left of it can be forged by the
 * client, so they are never taken).
 */
export function clientAddress(req: IncomingMessage, trusted: AddressSet | null): string {
  const peer = req.socket.remoteAddress ?? '';
  if (!trusted?.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  if (!header) return peer;
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!.trim();
    if (!isIP(hop)) return peer; // a garbled header: the proxy's own address is all that is known
    if (!trusted.has(hop)) return hop;
  }
  return hops[0]!.trim();
}
