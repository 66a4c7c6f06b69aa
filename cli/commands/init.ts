import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ConfigError } from '../../core/errors.ts';
import { hasCockpit, renderConfig } from '../config-writer.ts';
import { PRESETS, presetsByEnv } from '../presets.ts';

export interface InitFlags {
  provider?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  big?: string;
  middle?: string;
  small?: string;
  yes?: boolean;
  force?: boolean;
  out: string;
}

type Ask = (question: string, fallback: string) => Promise<string>;

/**
 * `ccproxy init`: writes a config from flags, asking in a terminal for what the flags leave out
 * (unless `--yes`); providers whose key is in the environment are offered first.
 */
export async function init(flags: InitFlags): Promise<void> {
  const file = resolve(flags.out);
  if (existsSync(file) && !flags.force)
    throw new ConfigError(`${flags.out}: already exists; --force overwrites it`);
  const interactive = !flags.yes && process.stdin.isTTY;
  const prompt = interactive
    ? createInterface({ input: process.stdin, output: process.stdout })
    : undefined;
  const ask: Ask = async (question, fallback) =>
    prompt ? (await prompt.question(`${question} [${fallback}]: `)).trim() || fallback : fallback;
  try {
    writeFileSync(file, renderConfig(await answers(flags, ask)));
  } finally {
    prompt?.close();
  }
  process.stdout.write(
    `wrote ${flags.out}\nstart it with: ccproxy start (or ccproxy code to run Claude Code through it)\n`,
  );
}

async function answers(flags: InitFlags, ask: Ask) {
  const offered = presetsByEnv(process.env);
  const name = flags.provider ?? (await ask(`provider (${offered.join(', ')})`, offered[0]!));
  const preset = PRESETS[name];
  if (!preset)
    throw new ConfigError(
      `--provider: expected one of ${Object.keys(PRESETS).join(', ')}, got "${name}"`,
    );
  const baseUrl = flags.baseUrl ?? (await ask('base URL', preset.baseUrl ?? 'the default'));
  const apiKeyEnv =
    flags.apiKeyEnv ?? (await ask('environment variable of its key', preset.apiKeyEnv ?? 'none'));
  const tier = async (tierName: 'big' | 'middle' | 'small', hint: string) =>
    flags[tierName] ?? (await ask(`${tierName} model (${hint})`, preset.tiers[tierName]));
  const big = await tier('big', 'opus');
  const middle = await tier('middle', 'sonnet');
  const small = await tier('small', 'haiku, background tasks');
  return {
    notes: [`Written by ccproxy init. Every plugin and option: see ccproxy's README.`],
    providers: [
      {
        factory: preset.factory,
        name,
        baseUrl: baseUrl === 'the default' ? undefined : baseUrl,
        apiKeyEnv: apiKeyEnv === 'none' ? undefined : apiKeyEnv,
      },
    ],
    tiers: { big: `${name},${big}`, middle: `${name},${middle}`, small: `${name},${small}` },
    cockpit: await hasCockpit(),
  };
}
