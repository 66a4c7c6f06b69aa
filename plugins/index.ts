/**
 * Every built-in plugin factory: `import { … } from 'ccproxy/plugins'`.
 * @module ccproxy/plugins
 */
export { modelMap, tierOf, type ModelMapOptions, type Tier } from './model-map/index.ts';
export { openai, type OpenAIOptions } from './providers/openai/index.ts';
