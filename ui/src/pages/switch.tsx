import { useState } from 'preact/hooks';
import { ApiError, request } from '../api.ts';
import { Copy } from '../components/copy.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { discover, targetsOf } from '../models.ts';
import {
  TIERS,
  type ProviderInfo,
  type SwitchAnswer,
  type Tier,
  type TierTargets,
} from '../types.ts';
import { useApi } from '../use-api.ts';

const TIER_HINT: Record<Tier, string> = {
  big: 'opus',
  middle: 'sonnet',
  small: 'haiku, background tasks',
};

/** Three tier inputs and an Apply button: `PUT /api/switch`, for everyone or one session. */
function TierForm(props: { current: TierTargets; session?: string; onApplied: () => void }) {
  const [values, setValues] = useState<TierTargets>(props.current);
  const [error, setError] = useState<ApiError | undefined>();
  const [applied, setApplied] = useState(false);
  const scope = props.session ?? 'global';
  const apply = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const body: TierTargets & { session?: string } = {};
    for (const tier of TIERS) {
      const value = values[tier]?.trim();
      if (value !== (props.current[tier] ?? '')) body[tier] = value || null;
    }
    if (props.session) body.session = props.session;
    try {
      await request('PUT', '/api/switch', body);
      setApplied(true);
      props.onApplied();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <form class="tiers" onSubmit={(event) => void apply(event)}>
      {TIERS.map((tier) => (
        <label>
          <span>
            {tier} <small class="muted">{TIER_HINT[tier]}</small>
          </span>
          <input
            name={tier}
            list="switch-targets"
            placeholder={props.session ? 'as for everyone' : 'provider,model'}
            value={values[tier] ?? ''}
            onInput={(event) => {
              setApplied(false);
              setValues({ ...values, [tier]: event.currentTarget.value });
            }}
            aria-describedby={`${scope}-note`}
          />
        </label>
      ))}
      <div class="form-end">
        <button type="submit">Apply</button>
        <span id={`${scope}-note`} class="muted" role="status">
          {applied ? 'Applied: the next request uses it.' : ''}
        </span>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}

/** The tiers for everyone and per Claude Code session, switched live, and how to connect. */
export function SwitchPage() {
  const state = useApi<SwitchAnswer>('/api/switch');
  const providers = useApi<{ providers: ProviderInfo[] }>('/api/providers');
  const list = providers.data?.providers;
  const targets = targetsOf(list);
  const [session, setSession] = useState('');
  // What "Discover models" found (targetsOf reads it) and which providers could not say.
  const [discovery, setDiscovery] = useState<{ running: boolean; failed: string[] }>();
  const discoverAll = async () => {
    setDiscovery({ running: true, failed: [] });
    const names = (list ?? []).map((provider) => provider.name);
    const results = await Promise.allSettled(names.map((name) => discover(name)));
    const failed = names.filter((_name, i) => results[i]!.status === 'rejected');
    setDiscovery({ running: false, failed });
  };
  const [model, setModel] = useState('');
  const base = location.origin;
  const sessions = Object.entries(state.data?.sessions ?? {});
  return (
    <section aria-labelledby="switch-title">
      <h1 id="switch-title">Switch</h1>
      <ErrorBox error={state.error ?? providers.error} />
      <datalist id="switch-targets">
        {targets.map((target) => (
          <option value={target} />
        ))}
      </datalist>
      <div class="card">
        <h2>Everyone</h2>
        <p class="muted">
          Claude Code asks for opus, sonnet or haiku; each goes to its tier's target. Streams in
          flight finish where they started.
        </p>
        <div class="form-end">
          <button
            type="button"
            class="ghost"
            disabled={!list || discovery?.running}
            onClick={() => void discoverAll()}
          >
            {discovery?.running ? 'Discovering…' : 'Discover models'}
          </button>
          <span class="muted" role="status">
            {discovery && !discovery.running
              ? `${targets.length} targets to pick from${
                  discovery.failed.length
                    ? `; no list from ${discovery.failed.join(', ')} (see Providers)`
                    : ''
                }.`
              : 'Targets: the configured models; Discover asks each provider for its list.'}
          </span>
        </div>
        {state.data && (
          <TierForm
            current={state.data}

            onApplied={state.reload}
          />
        )}
      </div>
      <div class="card">
        <h2>Per session</h2>
        <p class="muted">
          A Claude Code session (its <code>x-claude-code-session-id</code>) can use its own targets;
          empty tiers follow everyone's.
        </p>
        {sessions.map(([id, tiers]) => (
          // The session typed below stays open once applied: its targets, as now stored.
          <details open={id === session}>
            <summary>
              <code>{id}</code>
            </summary>
            <TierForm
              key={id}
              current={tiers}
              session={id}

              onApplied={state.reload}
            />
          </details>
        ))}
        <label>
          Session id
          <input
            value={session}
            placeholder="x-claude-code-session-id"
            onInput={(event) => setSession(event.currentTarget.value.trim())}
          />
        </label>
        {session && !state.data?.sessions[session] && (
          <TierForm current={{}} session={session} onApplied={state.reload} />
        )}
      </div>
      <div class="card">
        <h2>Connect Claude Code</h2>
        <div class="copies">
          <Copy label="Base URL" text={base} />
          <Copy
            label="Start Claude Code through ccproxy"
            text={`ANTHROPIC_BASE_URL=${base} ANTHROPIC_AUTH_TOKEN=$CCPROXY_API_KEY claude`}
          />
          <Copy
            label="~/.claude/settings.json"
            text={JSON.stringify(
              {
                env: {
                  ANTHROPIC_BASE_URL: base,
                  ANTHROPIC_AUTH_TOKEN: 'your-ccproxy-client-key',
                  // Claude Code's /model picker then lists the routed models (claude-via/…).
                  CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1',
                },
              },
              null,
              2,
            )}
          />
          <label>
            Pick a model inside Claude Code
            <select value={model} onChange={(event) => setModel(event.currentTarget.value)}>
              <option value="">choose a model…</option>
              {targets.map((target) => (
                <option value={target}>{target}</option>
              ))}
            </select>
          </label>
          {model && <Copy label="In Claude Code, type" text={`/model ${model}`} />}
        </div>
      </div>
    </section>
  );
}
