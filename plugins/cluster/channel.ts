import type { Logger } from 'pino';

/** What a channel tells its owner. */
export interface ChannelEvents {
  /** A message another instance (or this one) published. */
  message(text: string): void;
  /** The channel is (again) connected: messages sent while it was down were missed. */
  up(): void;
  /** The channel lost its connection; it reconnects by itself. */
  down(error: unknown): void;
}

/** A cross-instance broadcast: Redis pub/sub or PostgreSQL LISTEN/NOTIFY. */
export interface Channel {
  readonly kind: 'redis' | 'postgres';
  /** Whether messages are being received now. */
  readonly connected: boolean;
  /** Sends to every instance listening; rejects while disconnected. */
  publish(text: string): Promise<void>;
  close(): Promise<void>;
}

/** The channel's name in Redis and PostgreSQL. */
export const CHANNEL = 'ccproxy_changes';

export interface ChannelOptions {
  url: string;
  log: Logger;
  on: ChannelEvents;
}
