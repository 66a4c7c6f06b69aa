// Misspelt config keys, each written once: tsc must refuse it (`@ts-expect-error` fails the
// typecheck if it compiles) and test/core/options-schema.test.ts loads it as a config file and
// expects the loader to stop at the same path, so the type editors check and the schema the
// loader checks cannot disagree.
import { defineConfig, type UserConfig } from 'ccproxy';
import { modelMap, router } from 'ccproxy/plugins';

/** A config with a mistake, and the error it must stop with (after the file's name). */
export interface MisspeltConfig {
  config: () => UserConfig;
  error: string;
}

export const misspeltConfig: MisspeltConfig[] = [
  {
    // @ts-expect-error `servr` for `server`
    config: () => defineConfig({ servr: { port: 1 } }),
    error: 'config: unknown option "servr"; did you mean "server"?',
  },
  {
    // @ts-expect-error `storag` for `storage`
    config: () => defineConfig({ storag: false }),
    error: 'config: unknown option "storag"; did you mean "storage"?',
  },
  {
    // @ts-expect-error `prot` inside `server`
    config: () => defineConfig({ server: { prot: 1 } }),
    error: 'config.server: unknown option "prot"; did you mean "port"?',
  },
  {
    // @ts-expect-error `retentionDay` inside `history`
    config: () => defineConfig({ history: { retentionDay: 7 } }),
    error: 'config.history: unknown option "retentionDay"; did you mean "retentionDays"?',
  },
  {
    // @ts-expect-error `sesion` inside `budgets`
    config: () => defineConfig({ budgets: { sesion: 5 } }),
    error: 'config.budgets: unknown option "sesion"; did you mean "session"?',
  },
  {
    // @ts-expect-error a misspelt plugin option inside a config
    config: () => defineConfig({ plugins: [modelMap({ bigg: 'openai,gpt-4o' })] }),
    error: 'plugins (model-map): options: unknown option "bigg"; did you mean "big"?',
  },
  {
    config: () =>
      defineConfig({
        // @ts-expect-error `fallback` for `fallbacks` in the long-context rule
        plugins: [router({ longContext: { model: 'openai,o3', threshold: 1000, fallback: [] } })],
      }),
    error:
      'plugins (router): options.longContext: unknown option "fallback"; did you mean "fallbacks"?',
  },
];
