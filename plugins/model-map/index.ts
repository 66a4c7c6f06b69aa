import {
  checkOptions,
  ModelRef,
  Options,
  Type,
  type Plugin,
  type ProxyContext,
  type Static,
  toTarget,
  type Target,
} from '../../core/index.ts';
import { TierSwitch } from './switch.ts';

/** A Claude Code model tier. */
export type Tier = 'big' | 'middle' | 'small';

/** `modelMap()` options. */
export const ModelMapOptions = Options({
  /** Target of `opus` names: `provider,model` or a bare model name. */
  big: Type.Optional(ModelRef),
  /** Target of `sonnet` names. Default: `big`. */
  middle: Type.Optional(ModelRef),
  /** Target of `haiku` names (Claude Code's background calls). */
  small: Type.Optional(ModelRef),
  /** Exact model names (case-insensitive) to targets, checked before the tiers. */
  map: Type.Optional(Type.Record(Type.String(), ModelRef)),
  /**
   * The client sees the model name it asked for (`message_start.message.model`), as Claude Code
   * expects. Default `true`; `false` shows the model the request was sent to (`gpt-4.1`).
   */
  keepRequestedModel: Type.Optional(Type.Boolean()),
});
export type ModelMapOptions = Static<typeof ModelMapOptions>;

declare module '../../core/index.ts' {
  interface ProxyState {
    /** Set in onRequest: the name the client sent and the tier it fell in. */
    'model-map'?: { requested: string; tier: Tier | null };
  }
}

const TIERS: readonly [string, Tier][] = [
  ['haiku', 'small'],
  ['sonnet', 'middle'],
  ['opus', 'big'],
];

/** The tier a Claude model name falls in (case-insensitive substring), or null. */
export function tierOf(model: string): Tier | null {
  const name = model.toLowerCase();
  for (const [word, tier] of TIERS) if (name.includes(word)) return tier;
  return null;
}

/**
 * Maps Claude Code's model names to your models: haiku → small, sonnet → middle, opus → big;
 * other names pass through; an explicit `provider,model` in the request always wins (H1).
 * @example modelMap({ big: 'openai,gpt-4o', small: 'openai,gpt-4o-mini' })
 */
export function modelMap(options: ModelMapOptions = {}): Plugin {
  checkOptions('model-map', ModelMapOptions, options);
  const tiers: Partial<Record<Tier, Target>> = {};
  const exact = new Map<string, Target>();
  const middle = options.middle ?? options.big;
  for (const [tier, ref] of [
    ['big', options.big],
    ['middle', middle],
    ['small', options.small],
  ] as const) {
    if (ref) tiers[tier] = toTarget(ref);
  }
  for (const [name, ref] of Object.entries(options.map ?? {}))
    exact.set(name.toLowerCase(), toTarget(ref));
  const keepRequested = options.keepRequestedModel ?? true;
  let live: TierSwitch;
  const route = (ctx: ProxyContext) => {
    const tier = tierOf(ctx.requestedModel);
    ctx.state['model-map'] = { requested: ctx.requestedModel, tier };
    if (ctx.route === 'explicit') return;
    const hit = exact.get(ctx.requestedModel.toLowerCase());
    const target = hit ?? (tier ? live.resolve(tier, sessionOf(ctx)) : undefined);
    if (!target) return;
    ctx.target = { ...target };
    ctx.route = hit ? 'map' : `tier:${tier}`;
  };

  return {
    name: 'model-map',
    setup(app) {
      for (const [word, tier] of TIERS) {
        const target = tiers[tier];
        const where = `plugins (model-map): options.${options[tier] ? tier : 'big'}`;
        if (target) app.requireTarget(target, where, `${word} → ${tier}`);
      }
      for (const [name, target] of exact) {
        app.requireTarget(target, `plugins (model-map): options.map["${name}"]`, name);
      }
      live = new TierSwitch(app, tiers);
      app.provide('switch', live);
    },
    onRequest(ctx) {
      // The stored switches are read on the first request: storage may set up after this plugin.
      if (live.loaded) return route(ctx);
      return live.load().then(() => route(ctx));
    },
    // D20: adapters report the model the client asked for. Only the other choice, the model this
    // attempt was sent to, needs an event hook, which turns off a native passthrough's relay.
    ...(!keepRequested && {
      onEvent(ctx, event) {
        if (event.type === 'message_start') event.message.model = ctx.target.model;
      },
    }),
  };
}

/** Claude Code's session id, the key of per-session switches. */
function sessionOf(ctx: ProxyContext): string | undefined {
  const id = ctx.client.headers['x-claude-code-session-id'];
  return typeof id === 'string' ? id : undefined;
}
