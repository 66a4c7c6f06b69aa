import { relative } from 'node:path';
import type { RunningProxy } from '../core/index.ts';

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * What a user needs to see at start: where, with which config (and `notes` on it, such as the
 * `.env` read), routing where, and how to connect.
 */
export function banner(proxy: RunningProxy, version: string, notes: string[] = []): string {
  const { runtime } = proxy;
  const file = runtime.config.file;
  const config = file
    ? `config ${shortPath(file)}`
    : 'no config file: running on the environment defaults';
  const providers = [...runtime.providers.values()].map(
    (p) => `  ${p.name}${p.models?.length ? ` (${p.models.join(', ')})` : ''}`,
  );
  const routes = runtime.requirements
    .filter((r) => r.label)
    .map(
      (r) => `  ${r.label}: ${r.target.provider ? `${r.target.provider},` : ''}${r.target.model}`,
    );
  const plugins = runtime.pipeline.plugins.map((p) => p.name).join(' → ');
  // With admin keys set, the URL carries a one-time login token: it logs one browser in.
  const ui = runtime.service('ui');
  return [
    `ccproxy ${version} listening on ${proxy.url}`,
    config,
    ...notes,
    `plugins: ${plugins}`,
    'providers:',
    ...providers,
    ...(routes.length ? ['models:', ...routes] : []),
    ...(runtime.warnings.length ? ['warnings:', ...runtime.warnings.map((w) => `  ${w}`)] : []),
    '',
    'Use it with Claude Code:',
    `  ANTHROPIC_AUTH_TOKEN=${tokenHint(runtime)} ANTHROPIC_BASE_URL=${proxy.url} claude`,
    ...(ui
      ? ['', 'Web UI (this link logs one browser in, once):', `  ${ui.loginUrl(proxy.url)}`]
      : []),
    '',
  ].join('\n');
}

/**
 * The token the launch line shows: Claude Code without one asks the user to log in. Whether a
 * client key is needed is asked of the plugins themselves (`onHeaders` for a loopback client with
 * none), so that the banner never prints a key, nor knows which plugin checks it.
 */
function tokenHint(runtime: RunningProxy['runtime']): string {
  const client = { ip: '127.0.0.1', key: undefined, headers: {} };
  try {
    runtime.pipeline.runOnHeaders({ method: 'POST', path: '/v1/messages', client });
    return 'ccproxy';
  } catch {
    return '<your ccproxy key>';
  }
}
