import { money, ms, tokens, when } from '../format.ts';
import { href } from '../route.ts';
import type { RequestRow } from '../types.ts';

/** `opus-4 → openai,gpt-4o` when the model was routed elsewhere; the target alone when asked for. */
export function routed(row: RequestRow): string {
  const target = `${row.provider},${row.model}`;
  const asked = row.requested_model;
  return asked && asked !== row.model && asked !== target ? `${asked} → ${target}` : target;
}

export const failed = (row: RequestRow) => row.status >= 400 || Boolean(row.error_type);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A session id short enough for a table cell: a UUID (Claude Code's) by its first 8 characters,
 * which tell sessions apart; any other id whole, since its start may be shared (`session-…`).
 */
export const shortSession = (id: string): string => (UUID.test(id) ? id.slice(0, 8) : id);

/** Request rows, each linking to its view. */
export function RequestTable({
  rows,
  showSession = true,
}: {
  rows: RequestRow[];
  showSession?: boolean;
}) {
  return (
    <div class="scroll">
      <table class="requests">
        <thead>
          <tr>
            <th scope="col">Time</th>
            {showSession && <th scope="col">Session</th>}
            <th scope="col">Model</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Tokens in / out
            </th>
            <th scope="col" class="num">
              Cost
            </th>
            <th scope="col" class="num">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr class={failed(row) ? 'failed' : undefined}>
              <td data-label="Time">
                <a href={href('requests', [row.id])}>{when(row.time)}</a>
              </td>
              {showSession && (
                <td data-label="Session">
                  {row.session_id ? (
                    <a
                      class="session-id"
                      href={href('requests', [], { session: row.session_id })}
                      title={row.session_id}
                    >
                      {shortSession(row.session_id)}
                    </a>
                  ) : (
                    <span class="muted">–</span>
                  )}
                </td>
              )}
              <td class="model" data-label="Model">
                {routed(row)}
              </td>
              <td data-label="Status">
                {row.status}
                {row.error_type ? ` ${row.error_type}` : ''}
              </td>
              <td class="num" data-label="Tokens in / out">
                {tokens(
                  row.input_tokens + row.cache_read_input_tokens + row.cache_creation_input_tokens,
                )}{' '}
                / {tokens(row.output_tokens)}
              </td>
              <td class="num" data-label="Cost">
                {money(row.cost_usd)}
              </td>
              <td class="num" data-label="Duration">
                {ms(row.duration_ms)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
