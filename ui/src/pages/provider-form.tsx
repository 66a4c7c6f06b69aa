import { useState } from 'preact/hooks';
import { ApiError, request } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import type { ProviderInfo } from '../types.ts';

const KINDS = ['openai', 'anthropic', 'gemini', 'openai-responses'] as const;

/** A JSON object typed into a textarea, or a message saying what is wrong with it. */
function parseObject(text: string, what: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Adds (`POST /api/providers`) or edits (`PUT /api/providers/{name}`) a runtime provider. The key
 * and headers are empty when editing (no route shows them): left empty, the stored ones stay.
 */
export function ProviderForm(props: { existing?: ProviderInfo; onSaved: () => void }) {
  const old = props.existing;
  const [name, setName] = useState(old?.name ?? '');
  const [kind, setKind] = useState<string>(old?.kind ?? 'openai');
  const [baseUrl, setBaseUrl] = useState(old?.baseUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [models, setModels] = useState(old?.models?.join(', ') ?? '');
  const [headers, setHeaders] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const provider = {
        name,
        kind,
        baseUrl: baseUrl || undefined,
        apiKey: apiKey || undefined,
        models: models
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean),
        headers: parseObject(headers, 'Headers'),
      };
      if (old) await request('PUT', `/api/providers/${encodeURIComponent(old.name)}`, provider);
      else await request('POST', '/api/providers', provider);
      props.onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'invalid', (e as Error).message));
    }
  };
  return (
    <form class="provider-form" onSubmit={(event) => void save(event)}>
      <label>
        Name
        <input
          required
          value={name}
          disabled={Boolean(old)}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {KINDS.map((k) => (
            <option value={k}>{k}</option>
          ))}
        </select>
      </label>
      <label>
        Base URL
        <input
          type="url"
          value={baseUrl}
          placeholder="https://api.openai.com/v1"
          onInput={(e) => setBaseUrl(e.currentTarget.value)}
        />
      </label>
      <label>
        API key
        <input
          type="password"
          autocomplete="off"
          value={apiKey}
          placeholder={old ? 'unchanged' : 'none: the client key is passed through'}
          onInput={(e) => setApiKey(e.currentTarget.value)}
        />
      </label>
      <label class="wide">
        Models (comma separated)
        <input value={models} onInput={(e) => setModels(e.currentTarget.value)} />
      </label>
      <label class="wide">
        Headers sent upstream (JSON, over the client's)
        <textarea
          rows={3}
          value={headers}
          placeholder={old ? 'unchanged' : '{ "user-agent": "…" }'}
          onInput={(e) => setHeaders(e.currentTarget.value)}
        />
      </label>
      <div class="form-end wide">
        <button type="submit">{old ? 'Save' : 'Add'}</button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}
