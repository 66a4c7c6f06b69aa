import { count, money, tokens } from '../format.ts';
import type { UsageAnswer } from '../types.ts';

/**
 * Usage rows (`GET /api/usage`) as a table, with the total in the footer. On a phone the `wide`
 * columns (tokens, savings) are left out, so that the table fits without scrolling sideways: the
 * cards above it give the tokens.
 */
export function UsageTable({ title, answer }: { title: string; answer: UsageAnswer | undefined }) {
  return (
    <div class="card table-card">
      <h2>{title}</h2>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Requests
              </th>
              <th scope="col" class="num wide">
                Input
              </th>
              <th scope="col" class="num wide">
                Output
              </th>
              <th scope="col" class="num wide">
                Cache read
              </th>
              <th scope="col" class="num">
                Cost
              </th>
              <th scope="col" class="num wide">
                Saved
              </th>
            </tr>
          </thead>
          <tbody>
            {answer?.rows.map((row) => (
              <tr>
                <th scope="row">{row.key ?? '(none)'}</th>
                <td class="num">{count(row.requests)}</td>
                <td class="num wide">{tokens(row.input_tokens)}</td>
                <td class="num wide">{tokens(row.output_tokens)}</td>
                <td class="num wide">{tokens(row.cache_read_input_tokens)}</td>
                <td class="num">{money(row.cost_usd)}</td>
                <td class="num wide">{money(row.saved_usd)}</td>
              </tr>
            ))}
            {answer && answer.rows.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  No requests in this range.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
