import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { ConfigError, startProxy, type ResolvedConfig } from '../../core/index.ts';
import type { Explanation } from '../../plugins/router/rules.ts';
import { loadServerConfig, type ServerFlags } from '../options.ts';

/** `ccproxy route --explain FILE.json` with the config that `start` would load. */
export async function route(file: string, flags: ServerFlags): Promise<void> {
  process.stdout.write(await explainRoute(await loadServerConfig(flags, 'route'), file));
}

/**
 * `ccproxy route --explain FILE.json`: which router rule a Messages request body meets, where it
 * would go and why the other rules did not take it, without calling any upstream. The router
 * answers it (`POST /api/route/explain`) from a private instance on a loopback port.
 */
export async function explainRoute(config: ResolvedConfig, file: string): Promise<string> {
  const body = await readRequest(file);
  const proxy = await startProxy(
    { ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } },
    { logger: pino({ level: 'silent' }) },
  );
  try {
    if (!proxy.runtime.pipeline.plugins.some((p) => p.name === 'router')) {
      throw new ConfigError(
        `${proxy.runtime.source}: no router plugin: every request goes to the model map's target; add router({ … }) to explain routes`,
      );
    }
    const response = await fetch(`${proxy.url}/api/route/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const answer = (await response.json()) as Explanation | { error: { message: string } };
    if ('error' in answer) throw new ConfigError(`${file}: ${answer.error.message}`);
    return formatExplanation(answer);
  } finally {
    await proxy.close();
  }
}

async function readRequest(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new ConfigError(`route --explain: no file at ${file}`);
  });
  try {
    JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${file}: expected a JSON Messages request body: ${(error as Error).message}`,
    );
  }
  return text;
}

const MARK = { winner: '→', matched: '✓', missed: '·' };

/** The explanation as a reader wants it: the decision first, then every rule and its reason. */
export function formatExplanation(explained: Explanation): string {
  const width = Math.max(...explained.rules.map((r) => r.rule.length));
  const rules = explained.rules.map(({ rule, matched, reason }) => {
    const mark = rule === explained.rule ? MARK.winner : matched ? MARK.matched : MARK.missed;
    return `  ${mark} ${rule.padEnd(width)}  ${reason}`;
  });
  return [
    `target:    ${explained.target}`,
    `rule:      ${explained.rule === 'none' ? 'none (the model map decides)' : explained.rule}`,
    `fallbacks: ${explained.fallbacks.join(', ') || 'none'}`,
    ...(explained.params ? [`params:    ${JSON.stringify(explained.params)}`] : []),
    'rules, in the order they are tried:',
    ...rules,
    '',
  ].join('\n');
}
