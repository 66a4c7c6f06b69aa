import { createHash } from 'node:crypto';

/** What OpenAI-style function names allow (PROTOCOL §6.1): `[a-zA-Z0-9_-]`, at most 64. */
const VALID_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const PREFIX_LENGTH = 55;

/**
 * A name an upstream accepts, the same every time for the same input (C11): a valid name is
 * kept; another becomes its first 55 characters (invalid ones replaced by `_`), `_` and 8 hex
 * characters of its SHA-256, so two long names sharing a prefix stay distinct.
 */
export function shortToolName(name: string): string {
  if (VALID_NAME.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, PREFIX_LENGTH).replace(/[^a-zA-Z0-9_-]/g, '_')}_${hash}`;
}

/**
 * The tool names of one request, both ways: the name sent upstream for a client's name, and the
 * client's name for one the upstream calls. Built from the request's tools and its history, so a
 * shortened name maps back in responses, `tool_choice` and replayed `tool_use` blocks alike.
 */
export class ToolNames {
  private readonly toClient = new Map<string, string>();

  /** Registers `name` and returns the name the upstream sees. */
  upstream(name: string): string {
    const short = shortToolName(name);
    if (short !== name) this.toClient.set(short, name);
    return short;
  }

  /** The client's name for an upstream name (itself when it was never shortened). */
  client(name: string): string {
    return this.toClient.get(name) ?? name;
  }
}
