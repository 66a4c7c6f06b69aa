import type { ProxyApp, ProxyEvent } from '../../core/index.ts';
import { randomId } from '../../core/ids.ts';
import type { SettingsStore } from '../../core/storage.ts';
import type { Channel } from './channel.ts';

/** What changed, by whom: the message on the channel and the `cluster:change` setting. */
export interface Change {
  /** Unique per change: pollers compare it with the last one they applied. */
  id: string;
  /** The instance that made it. */
  by: string;
  topic: Topic;
}

type Topic = 'switch' | 'providers';
const TOPICS = new Set<string>(['switch', 'providers']);
const KEY = 'cluster:change';
/** While the channel is up, the stored change is still read once in this many poll intervals. */
const SAFETY_POLLS = 10;

/**
 * Keeps this instance's live state (tier switches, runtime providers) in step with the others:
 * a local change is stored by its owner, then announced here (the channel, and the `cluster:change`
 * setting); an announcement from another instance makes this one re-read that state from storage.
 * While the channel is down (or there is none) the setting is polled instead.
 */
export class ChangeSync {
  /** Changes from other instances applied here, and reads of the stored change. */
  readonly stats = { applied: 0, polls: 0 };
  #last: string | undefined;
  #unannounced: Change | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  channel: Channel | undefined;
  readonly #app: ProxyApp;
  readonly #settings: SettingsStore;

  constructor(app: ProxyApp, settings: SettingsStore) {
    this.#app = app;
    this.#settings = settings;
  }

  /** Subscribes to local changes and starts polling while `channel` is not connected. */
  async start(channel: Channel | undefined, pollMs: number): Promise<void> {
    this.channel = channel;
    this.#last = (await this.#settings.get<Change>(KEY).catch(() => undefined))?.id;
    this.#unsubscribe = this.#app.service('events')?.subscribe((event) => this.#onLocal(event));
    let ticks = 0;
    this.#timer = setInterval(() => {
      // A change the channel refused (the publishing connection was still reconnecting while the
      // subscribers were back) is sent again until it goes out: nobody would poll for it.
      if (this.#unannounced) void this.#publish(this.#unannounced);
      // Polled while the channel is down, and every SAFETY_POLLS ticks while it is up: a message
      // lost in a reconnection is then caught within seconds, not never.
      if (!this.channel?.connected || ++ticks % SAFETY_POLLS === 0) void this.poll();
    }, pollMs).unref();
  }

  /** A message from the channel. */
  receive(text: string): void {
    let change: Change;
    try {
      change = JSON.parse(text) as Change;
    } catch {
      return;
    }
    if (change.by === this.#app.instance || !TOPICS.has(change.topic)) return;
    this.#last = change.id;
    void this.#apply([change.topic]);
  }

  /** The channel is back: send what could not be sent, and catch up on what was missed. */
  reconnected(): void {
    const pending = this.#unannounced;
    if (pending) void this.#publish(pending);
    void this.poll();
  }

  /** Reads the last change stored; another instance's new one re-reads every topic. */
  async poll(): Promise<void> {
    this.stats.polls++;
    const change = await this.#settings.get<Change>(KEY).catch(() => undefined);
    if (!change || change.id === this.#last) return;
    this.#last = change.id;
    if (change.by !== this.#app.instance) await this.#apply([...TOPICS] as Topic[]);
  }

  #onLocal(event: ProxyEvent): void {
    if (!TOPICS.has(event.type)) return;
    const change: Change = { id: randomId(16), by: this.#app.instance, topic: event.type as Topic };
    this.#last = change.id;
    void this.#settings
      .set(KEY, change)
      .catch((err: unknown) => this.#app.log.warn({ err }, 'cluster: change not stored'));
    void this.#publish(change);
  }

  async #publish(change: Change): Promise<void> {
    if (!this.channel) return;
    try {
      await this.channel.publish(JSON.stringify(change));
      if (this.#unannounced === change) this.#unannounced = undefined;
    } catch (err) {
      // Sent again when the channel reconnects; meanwhile the others poll the stored change.
      this.#unannounced = change;
      this.#app.log.warn({ err, channel: this.channel.kind }, 'cluster: change not announced');
    }
  }

  async #apply(topics: Topic[]): Promise<void> {
    try {
      for (const topic of topics) {
        if (topic === 'switch') await this.#app.service('switch')?.refresh();
        else await this.#app.service('runtime-providers')?.load();
      }
      this.stats.applied++;
    } catch (err) {
      this.#app.log.warn(
        { err, topics },
        'cluster: another instance changed live state; re-reading it failed',
      );
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#unsubscribe?.();
  }
}
