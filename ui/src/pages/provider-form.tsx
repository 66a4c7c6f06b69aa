import { useState } from 'preact/hooks';
import { ApiError, request } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { mergeJson, parseObject, PRESETS, showJson, type OverridePreset } from '../presets.ts';
import type { ProviderInfo } from '../types.ts';

const KINDS = ['openai', 'anthropic', 'gemini', 'openai-responses', 'ollama'] as const;

/** Enough rows to show a few lines of JSON without scrolling, at most 12. */
const rowsFor = (text: string): number => Math.min(12, Math.max(3, text.split('\n').length));

/**
 * Adds (`POST /api/providers`) or edits (`PUT /api/providers/{name}`) a runtime provider. Editing,
 * the key is empty (no route shows it: left empty, the stored one stays) and the headers are shown
 * as the API lists them, credential values masked: sent back unchanged, they keep their values.
 */
export function ProviderForm(props: { existing?: ProviderInfo; onSaved: () => void }) {
  const old = props.existing;
  const [name, setName] = useState(old?.name ?? '');
  const [kind, setKind] = useState<string>(old?.kind ?? 'openai');
  const [baseUrl, setBaseUrl] = useState(old?.baseUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [models, setModels] = useState(old?.models?.join(', ') ?? '');
  const [headers, setHeaders] = useState(showJson(old?.headers));
  const [body, setBody] = useState(showJson(old?.body));
  const [picked, setPicked] = useState<OverridePreset | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const fail = (e: unknown) =>
    setError(e instanceof ApiError ? e : new ApiError(0, 'invalid', (e as Error).message));
  const pick = (presetName: string) => {
    const preset = PRESETS.find((p) => p.name === presetName);
    if (!preset) return;
    setError(undefined);
    try {
      if (preset.headers) setHeaders(mergeJson(headers, preset.headers, 'Headers'));
      if (preset.body) setBody(mergeJson(body, preset.body, 'Body override'));
      setPicked(preset);
    } catch (e) {
      fail(e);
    }
  };
  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      // Editing, an emptied field clears it; adding, it is left out.
      const cleared = old ? {} : undefined;
      const provider = {
        name,
        kind,
        baseUrl: baseUrl || undefined,
        apiKey: apiKey || undefined,
        models: models
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean),
        headers: parseObject(headers, 'Headers') ?? cleared,
        body: parseObject(body, 'Body override') ?? cleared,
      };
      if (old) await request('PUT', `/api/providers/${encodeURIComponent(old.name)}`, provider);
      else await request('POST', '/api/providers', provider);
      props.onSaved();
    } catch (e) {
      fail(e);
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
      <label class="full-row">
        Models (comma separated)
        <input value={models} onInput={(e) => setModels(e.currentTarget.value)} />
      </label>
      <label class="full-row">
        Add a preset
        <select value="" onChange={(e) => pick(e.currentTarget.value)}>
          <option value="">Ready-made headers and body overrides…</option>
          {PRESETS.map((preset) => (
            <option value={preset.name}>{preset.name}</option>
          ))}
        </select>
        {picked && (
          <span class="hint">
            Added “{picked.name}”: {picked.about}
          </span>
        )}
      </label>
      <label class="full-row">
        Headers sent upstream (JSON, over the client's; masked values stay as stored)
        <textarea
          rows={rowsFor(headers)}
          value={headers}
          placeholder='{ "user-agent": "…" }'
          onInput={(e) => setHeaders(e.currentTarget.value)}
        />
      </label>
      <label class="full-row">
        Body override (JSON merged into each request: objects merge, other values replace, null
        deletes)
        <textarea
          rows={rowsFor(body)}
          value={body}
          placeholder='{ "max_tokens": 8192 }'
          onInput={(e) => setBody(e.currentTarget.value)}
        />
      </label>
      <div class="form-end full-row">
        <button type="submit">{old ? 'Save' : 'Add'}</button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}
