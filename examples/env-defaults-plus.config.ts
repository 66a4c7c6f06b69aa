// The environment defaults (OPENAI_API_KEY, BIG_MODEL, ANTHROPIC_API_KEY, …: see README), plus
// one plugin of your own. The preset is an array; `plugins` flattens it.
//   npx ccproxy --config examples/env-defaults-plus.config.ts   (from the repo root: see README)
import { defineConfig } from 'ccproxy';
import { envPreset } from 'ccproxy/plugins';
import { secretGuard } from 'ccproxy-plugin-secret-guard';

export default defineConfig(({ env }) => ({
  plugins: [envPreset(env), secretGuard({ mask: '[secret removed by ccproxy]' })],
}));
