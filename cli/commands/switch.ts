import { adminRequest, serverUrl } from '../admin-client.ts';
import type { Tier } from '../../plugins/model-map/index.ts';
import { TIERS, type SwitchView } from '../../plugins/model-map/switch.ts';
import { table } from '../table.ts';

export interface SwitchFlags {
  session?: string;
  json?: boolean;
  url?: string;
}

/**
 * `ccproxy switch [tier target] [--session ID]`: shows the live tier targets, or switches one on
 * the running server (`PUT /api/switch`): for everyone, or for one Claude Code session. `default`
 * as the target goes back to the config's (or, for a session, the global) target.
 */
export async function switchTier(
  tier: Tier | undefined,
  target: string | undefined,
  flags: SwitchFlags,
): Promise<void> {
  const url = serverUrl(flags.url);
  const change = tier && target && { [tier]: target === 'default' ? null : target };
  const view = change
    ? await adminRequest<SwitchView>(url, '/api/switch', {
        method: 'PUT',
        body: { ...change, ...(flags.session ? { session: flags.session } : {}) },
      })
    : await adminRequest<SwitchView>(url, '/api/switch');
  process.stdout.write(
    flags.json ? `${JSON.stringify(view, null, 2)}\n` : formatSwitch(view, flags.session),
  );
}

/** The tiers, what each is switched to and what the config says, then the sessions' switches. */
export function formatSwitch(view: SwitchView, session?: string): string {
  const own = session ? (view.sessions[session] ?? {}) : {};
  const rows = TIERS.map((tier) => {
    const live = own[tier] ?? view[tier] ?? '-';
    const note = own[tier]
      ? 'this session'
      : view[tier] !== view.configured[tier]
        ? 'switched'
        : '';
    return [tier, live, note, view.configured[tier] ?? '-'];
  });
  let out = table([
    ['tier', session ? `target (session ${session})` : 'target', '', 'config'],
    ...rows,
  ]);
  const sessions = Object.entries(view.sessions);
  if (!session && sessions.length) {
    out += '\nsessions:\n';
    for (const [id, tiers] of sessions)
      out += `  ${id}  ${Object.entries(tiers)
        .map(([tier, target]) => `${tier}: ${target}`)
        .join(', ')}\n`;
  }
  return out;
}
