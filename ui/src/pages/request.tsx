import { Conversation } from '../components/conversation.tsx';
import { Copy } from '../components/copy.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { failed, routed } from '../components/request-table.tsx';
import { count, money, ms, when } from '../format.ts';
import { curlCommand } from '../curl.ts';
import { href } from '../route.ts';
import type { RequestDetail } from '../types.ts';
import { useApi } from '../use-api.ts';

/** One request: its route and hops, timings, tokens, cost, and the conversation. */
export function RequestPage({ id }: { id: string }) {
  const answer = useApi<RequestDetail>(`/api/requests/${encodeURIComponent(id)}`);
  if (!answer.data) return <ErrorBox error={answer.error} />;
  const row = answer.data;
  const body = row.request;
  return (
    <section aria-labelledby="request-title">
      <p>
        <a href={href('requests')}>← Requests</a>
      </p>
      <h1 id="request-title">
        Request <code>{row.id}</code>
      </h1>
      <div class="card">
        <dl class="facts">
          <dt>Time</dt>
          <dd>{when(row.time)}</dd>
          <dt>Status</dt>
          <dd class={failed(row) ? 'error-text' : undefined}>
            {row.status}
            {row.error_type ? ` ${row.error_type}` : ''}
            {row.stream ? ' (stream)' : ''}
          </dd>
          <dt>Model</dt>
          <dd>{routed(row)}</dd>
          <dt>Route</dt>
          <dd>{row.route}</dd>
          <dt>Session</dt>
          <dd>
            {row.session_id ? (
              <a href={href('requests', [], { session: row.session_id })}>{row.session_id}</a>
            ) : (
              '–'
            )}
            {row.agent_id ? ` (agent ${row.agent_id})` : ''}
          </dd>
          <dt>Duration</dt>
          <dd>
            {ms(row.duration_ms)}, first token after {ms(row.ttft_ms)}
          </dd>
          <dt>Tokens</dt>
          <dd>
            {count(row.input_tokens)} in, {count(row.output_tokens)} out,{' '}
            {count(row.cache_read_input_tokens)} cache read,{' '}
            {count(row.cache_creation_input_tokens)} cache write
          </dd>
          <dt>Cost</dt>
          <dd>
            {money(row.cost_usd)}
            {row.saved_usd !== null ? `, saved ${money(row.saved_usd)}` : ''}
            {row.price_source ? ` (price: ${row.price_source})` : ''}
          </dd>
        </dl>
        {row.attempts.length > 0 && (
          <>
            <h2>Route hops</h2>
            <ol class="hops">
              {row.attempts.map((attempt) => (
                <li>
                  <code>{attempt.target}</code>
                  {attempt.error ? <span class="error-text">: {attempt.error}</span> : ': answered'}
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
      {body ? (
        <>
          <div class="card">
            <h2>Conversation</h2>
            <Conversation system={body.system} messages={body.messages} response={row.response} />
          </div>
          <div class="card">
            <Copy label="Copy as curl" text={curlCommand(location.origin, row, body)} />
          </div>
          <details class="card">
            <summary>Stored bodies (redacted JSON)</summary>
            <pre class="json">
              {JSON.stringify({ request: body, response: row.response }, null, 2)}
            </pre>
          </details>
        </>
      ) : (
        <p class="muted card">
          No body was kept for this request (history bodies are off or past retention).
        </p>
      )}
    </section>
  );
}
