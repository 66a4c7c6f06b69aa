import { ProxyError, type DiscoveredModel } from '../../../core/index.ts';
import { getJson, type JsonGet } from './http.ts';

/** Asks a `{ data: [...] }` models endpoint (OpenAI, Anthropic, compatible servers). */
export async function listDataModels(get: JsonGet): Promise<DiscoveredModel[]> {
  return dataListModels(get.provider, await getJson(get));
}

/**
 * The models of a `{ data: [{ id, … }] }` list, the shape of OpenAI's, Anthropic's and most
 * compatible servers' `/models`: Anthropic names a model in `display_name`, OpenRouter in `name`.
 */
export function dataListModels(provider: string, body: unknown): DiscoveredModel[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw unexpectedList(provider, body);
  return data.flatMap((item: unknown) => {
    const { id, display_name, name } = (item ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') return [];
    const label = typeof display_name === 'string' ? display_name : name;
    return [typeof label === 'string' && label !== id ? { id, display_name: label } : { id }];
  });
}

/** A 2xx answer that is not a model list: the URL points at something else. */
export function unexpectedList(provider: string, body: unknown): ProxyError {
  const text = JSON.stringify(body) ?? String(body);
  return new ProxyError(
    'api_error',
    502,
    `${provider}: the models endpoint answered without a model list: ${text.slice(0, 200)}`,
  );
}
