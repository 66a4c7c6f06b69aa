import { useState } from 'preact/hooks';
import { ApiError, request } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { ms } from '../format.ts';
import { discover } from '../models.ts';
import type { ProviderInfo, ProviderTest } from '../types.ts';
import { useApi } from '../use-api.ts';
import { ProviderForm } from './provider-form.tsx';

/** One provider: what it is, its breaker, and test / discover / edit / remove. */
function ProviderCard(props: { provider: ProviderInfo; onChanged: () => void }) {
  const { provider } = props;
  const path = `/api/providers/${encodeURIComponent(provider.name)}`;
  const [test, setTest] = useState<ProviderTest | 'running' | undefined>();
  const [models, setModels] = useState<string[] | 'running' | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [editing, setEditing] = useState(false);
  const breaker = provider.breaker;
  const run = async <T,>(
    set: (value: T | 'running' | undefined) => void,
    job: () => Promise<T>,
  ) => {
    setError(undefined);
    set('running');
    try {
      set(await job());
    } catch (e) {
      set(undefined);
      setError(e as ApiError);
    }
  };
  const remove = async () => {
    if (!confirm(`Remove the provider "${provider.name}"?`)) return;
    try {
      await request('DELETE', path);
      props.onChanged();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <article class="card provider" aria-labelledby={`provider-${provider.name}`}>
      <header>
        <h2 id={`provider-${provider.name}`}>{provider.name}</h2>
        {provider.kind && <span class="badge">{provider.kind}</span>}
        <span class="badge">{provider.source}</span>
        <span class={`badge breaker-${breaker}`} title="circuit breaker">
          breaker {breaker}
        </span>
      </header>
      <dl class="facts">
        <dt>Base URL</dt>
        <dd>
          {provider.baseUrl ? (
            <code>{provider.baseUrl}</code>
          ) : (
            <span class="muted">the provider's default or the config file's</span>
          )}
        </dd>
        <dt>Key</dt>
        <dd>
          {provider.apiKey ? (
            <code>{provider.apiKey}</code>
          ) : (
            <span class="muted">
              {provider.source === 'runtime' ? 'none' : 'from the config file, not shown'}
            </span>
          )}
        </dd>
        <dt>Models</dt>
        <dd>{provider.models.length ? provider.models.join(', ') : 'any'}</dd>
        {provider.headers && Object.keys(provider.headers).length > 0 && (
          <>
            <dt>Headers</dt>
            <dd>
              <ul class="plain">
                {Object.entries(provider.headers).map(([header, value]) => (
                  <li>
                    <code>
                      {header}: {value}
                    </code>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {provider.body && (
          <>
            <dt>Body override</dt>
            <dd>
              <pre>
                <code>{JSON.stringify(provider.body, null, 2)}</code>
              </pre>
            </dd>
          </>
        )}
      </dl>
      <div class="actions">
        <button
          type="button"
          onClick={() => void run(setTest, () => request<ProviderTest>('POST', `${path}/test`, {}))}
        >
          {test === 'running' ? 'Testing…' : 'Test'}
        </button>
        <button
          type="button"
          onClick={() => void run(setModels, () => discover(provider.name, true))}
        >
          {models === 'running' ? 'Discovering…' : 'Discover models'}
        </button>
        {provider.source === 'runtime' && (
          <>
            <button type="button" onClick={() => setEditing(!editing)}>
              {editing ? 'Cancel edit' : 'Edit'}
            </button>
            <button type="button" class="danger" onClick={() => void remove()}>
              Remove
            </button>
          </>
        )}
      </div>
      <div role="status">
        {test && test !== 'running' && (
          <p class={test.ok ? 'ok' : 'error'}>
            {test.ok
              ? `Answered in ${ms(test.latency_ms)} (${test.model}).`
              : `${test.model} failed: ${test.error ?? 'no detail'}`}
          </p>
        )}
        {Array.isArray(models) && (
          <p>
            {models.length} models: <span class="muted">{models.join(', ')}</span>
          </p>
        )}
      </div>
      <ErrorBox error={error} />
      {editing && (
        <ProviderForm
          existing={provider}
          onSaved={() => {
            setEditing(false);
            props.onChanged();
          }}
        />
      )}
    </article>
  );
}

/** Providers from the config file and added at run time. */
export function ProvidersPage() {
  const answer = useApi<{ providers: ProviderInfo[] }>('/api/providers');
  const list = answer.data?.providers;
  const [adding, setAdding] = useState(false);
  return (
    <section aria-labelledby="providers-title">
      <div class="page-head">
        <h1 id="providers-title">Providers</h1>
        <button type="button" onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'Add a provider'}
        </button>
      </div>
      <ErrorBox error={answer.error} />
      {adding && (
        <div class="card">
          <h2>New provider</h2>
          <ProviderForm
            onSaved={() => {
              setAdding(false);
              answer.reload();
            }}
          />
        </div>
      )}
      <div class="providers">
        {list?.map((provider) => (
          <ProviderCard key={provider.name} provider={provider} onChanged={answer.reload} />
        ))}
      </div>
    </section>
  );
}
