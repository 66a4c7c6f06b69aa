import {
  formatTarget,
  parseModelRef,
  ProxyError,
  type ProxyApp,
  type Target,
} from '../../core/index.ts';
import type { Tier } from './index.ts';

declare module '../../core/index.ts' {
  interface ProxyServices {
    /** The live tier switch, provided by model-map. */
    switch: TierSwitch;
  }
}

/** Tier targets set at run time; an absent tier falls back to the next layer. */
export type TierTargets = Partial<Record<Tier, Target>>;

/** The switch as `GET /api/switch` shows it: `provider,model` strings, null for no target. */
export interface SwitchView {
  big: string | null;
  middle: string | null;
  small: string | null;
  /** What the config file says, under the switches. */
  configured: Record<Tier, string | null>;
  /** Per Claude Code session (`x-claude-code-session-id`): the tiers switched for it only. */
  sessions: Record<string, Partial<Record<Tier, string>>>;
}

/** A checked `PUT /api/switch`: per tier a target, or null to go back to the layer below. */
export interface SwitchChange {
  tiers: Partial<Record<Tier, Target | null>>;
  session?: string;
}

/** The settings keys: one for the global switch, one per session. */
const GLOBAL_KEY = 'switch:global';
const SESSION_PREFIX = 'switch:session:';
export const TIERS: readonly Tier[] = ['big', 'middle', 'small'];

type Stored = Partial<Record<Tier, string>>;

/**
 * The live tier targets (DESIGN §8.3): switched for everyone or for one session, on top of the
 * config's model map; read on every request (a map lookup), persisted in `storage.settings`.
 */
export class TierSwitch {
  private global: TierTargets = {};
  private sessions = new Map<string, TierTargets>();
  private loading: Promise<void> | undefined;
  /** True once the stored switches are read (or found unreadable): `resolve` is then final. */
  loaded = false;
  private readonly app: ProxyApp;
  private readonly configured: TierTargets;

  constructor(app: ProxyApp, configured: TierTargets) {
    this.app = app;
    this.configured = configured;
  }

  /** The target of `tier` for a request of `session`: session switch, global switch, config. */
  resolve(tier: Tier, session: string | undefined): Target | undefined {
    const own = session === undefined ? undefined : this.sessions.get(session)?.[tier];
    return own ?? this.global[tier] ?? this.configured[tier];
  }

  /** Where a switch routes to `provider` (`big`, `session s1: small`), to refuse removing it. */
  uses(provider: string): string[] {
    const found: string[] = [];
    for (const tier of TIERS) if (this.global[tier]?.provider === provider) found.push(tier);
    for (const [session, targets] of this.sessions)
      for (const tier of TIERS)
        if (targets[tier]?.provider === provider) found.push(`session ${session}: ${tier}`);
    return found;
  }

  /** Reads the stored switches once; a storage failure is logged and leaves the config's targets. */
  load(): Promise<void> {
    return (this.loading ??= this.read()
      .catch((error: unknown) =>
        this.app.log.warn(
          { err: error },
          'model-map: stored switches unreadable; using the config',
        ),
      )
      .finally(() => (this.loaded = true)));
  }

  /** Reads the stored switches again (another instance changed them). */
  async refresh(): Promise<void> {
    await this.read();
  }

  private async read(): Promise<void> {
    const settings = this.app.service('storage')?.settings;
    if (!settings) return;
    const global = await settings.get<Stored>(GLOBAL_KEY);
    const sessions = await settings.list<Stored>(SESSION_PREFIX);
    this.global = toTargets(global ?? {});
    this.sessions = new Map(
      sessions.map(([key, value]) => [key.slice(SESSION_PREFIX.length), toTargets(value)]),
    );
  }

  /** Applies a checked change, stores it, and tells the event bus; returns the new view. */
  async apply(change: SwitchChange): Promise<SwitchView> {
    await this.load();
    const current = change.session ? { ...this.sessions.get(change.session) } : { ...this.global };
    for (const tier of TIERS) {
      const target = change.tiers[tier];
      if (target === null) delete current[tier];
      else if (target) current[tier] = target;
    }
    const settings = this.app.service('storage')?.settings;
    const key = change.session ? SESSION_PREFIX + change.session : GLOBAL_KEY;
    const empty = Object.keys(current).length === 0;
    // Stored first: a switch that cannot be kept across a restart is refused, not half-made.
    if (settings) await (empty ? settings.delete(key) : settings.set(key, toStored(current)));
    if (!change.session) this.global = current;
    else if (empty) this.sessions.delete(change.session);
    else this.sessions.set(change.session, current);
    const view = this.view();
    this.app.service('events')?.publish('switch', {
      session: change.session ?? null,
      ...toStored(current),
    });
    return view;
  }

  view(): SwitchView {
    const effective = (tier: Tier) => {
      const target = this.global[tier] ?? this.configured[tier];
      return target ? formatTarget(target) : null;
    };
    const configured = (tier: Tier) => {
      const target = this.configured[tier];
      return target ? formatTarget(target) : null;
    };
    return {
      big: effective('big'),
      middle: effective('middle'),
      small: effective('small'),
      configured: {
        big: configured('big'),
        middle: configured('middle'),
        small: configured('small'),
      },
      sessions: Object.fromEntries([...this.sessions].map(([id, t]) => [id, toStored(t)])),
    };
  }
}

/**
 * Checks a `PUT /api/switch` body: tiers `big`, `middle`, `small` as `provider,model` of a
 * registered provider (or null), `session` a string. A mistake is a 400 naming the field.
 */
export function parseSwitchChange(body: unknown, app: ProxyApp): SwitchChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('body: expected a JSON object like {"big": "provider,model"}');
  const change: SwitchChange = { tiers: {} };
  for (const [field, value] of Object.entries(body)) {
    if (field === 'session') {
      if (typeof value !== 'string' || value === '')
        throw invalid(`session: expected a session id string, got ${JSON.stringify(value)}`);
      change.session = value;
    } else if ((TIERS as string[]).includes(field)) {
      change.tiers[field as Tier] = value === null ? null : checkTarget(field, value, app);
    } else {
      throw invalid(`${field}: unknown tier; expected big, middle, small (and session)`);
    }
  }
  if (Object.keys(change.tiers).length === 0)
    throw invalid('body: expected at least one of big, middle, small');
  return change;
}

function checkTarget(field: string, value: unknown, app: ProxyApp): Target {
  const target = typeof value === 'string' ? parseModelRef(value, app.providers) : null;
  if (!target?.provider || !target.model)
    throw invalid(`${field}: expected "provider,model", got ${JSON.stringify(value)}`);
  if (!app.providers.has(target.provider)) {
    const known = [...app.providers.keys()].join(', ');
    throw invalid(`${field}: unknown provider "${target.provider}"; configured: ${known}`);
  }
  return target;
}

const invalid = (message: string) => new ProxyError('invalid_request_error', 400, message);

function toTargets(stored: Stored): TierTargets {
  const targets: TierTargets = {};
  for (const tier of TIERS) {
    const target = stored[tier] && parseModelRef(stored[tier], new Map());
    if (target) targets[tier] = target;
  }
  return targets;
}

function toStored(targets: TierTargets): Stored {
  const stored: Stored = {};
  for (const tier of TIERS) if (targets[tier]) stored[tier] = formatTarget(targets[tier]);
  return stored;
}
