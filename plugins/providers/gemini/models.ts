import type { DiscoveredModel } from '../../../core/index.ts';
import { unexpectedList } from '../shared/models.ts';

/** One entry of Gemini's `models` list. */
interface GeminiModel {
  name?: unknown;
  displayName?: unknown;
  supportedGenerationMethods?: unknown;
}

/**
 * The models of Gemini's `GET /models` answer that can answer a chat (`generateContent`); the
 * list also holds embedding and answer-grounding models. `models/gemini-2.5-pro` → `gemini-2.5-pro`.
 */
export function geminiModels(provider: string, body: unknown): DiscoveredModel[] {
  const models = (body as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) throw unexpectedList(provider, body);
  return (models as GeminiModel[]).flatMap((model) => {
    const methods = model.supportedGenerationMethods;
    if (typeof model.name !== 'string') return [];
    if (Array.isArray(methods) && !methods.includes('generateContent')) return [];
    const id = model.name.replace(/^models\//, '');
    return [
      typeof model.displayName === 'string' ? { id, display_name: model.displayName } : { id },
    ];
  });
}
