import { adminGet, serverUrl } from '../admin-client.ts';
import { usd } from '../table.ts';

/** What Claude Code writes on the statusline command's stdin (the fields read here). */
interface ClaudeStatus {
  session_id?: string;
  model?: { id?: string; display_name?: string };
}

/**
 * `GET /api/statusline?session=` (DESIGN §8.4, served by the usage plugin): this session's figures.
 * The line shows what the answer holds.
 */
export interface StatuslineInfo {
  /** The model Claude Code asked for on the session's last request. */
  requested_model?: string | null;
  /** Where it went, `provider,model`. */
  routed?: string | null;
  /** The session's cost at the real provider's price; null when unpriced. */
  cost_usd?: number | null;
  /** The Anthropic list price of the requested models minus `cost_usd`. */
  saved_usd?: number | null;
  /** The tightest budget's remainder; null without budgets. */
  budget?: { left_usd: number } | null;
  /** The last request was served by a fallback. */
  fallback?: boolean;
  /** The last request failed with this Anthropic error type (an open breaker: overloaded_error). */
  error_type?: string | null;
}

/**
 * The server's answer must arrive within this (`CCPROXY_STATUSLINE_TIMEOUT_MS`, default 150), so
 * that Claude Code's status line never waits on a stuck server.
 */
const answerMs = (env: NodeJS.ProcessEnv) => Number(env.CCPROXY_STATUSLINE_TIMEOUT_MS) || 150;

/** `ccproxy statusline`: one line for Claude Code's status line; always exits 0. */
export async function statusline(): Promise<void> {
  const input = parseStatus(await readStdin());
  const url = runningServer();
  const answer = url
    ? await adminGet<StatuslineInfo>(
        url,
        `/api/statusline?session=${encodeURIComponent(input.session_id ?? '')}`,
        answerMs(process.env),
      )
    : undefined;
  const paint = painter(!process.env.NO_COLOR);
  process.stdout.write(
    `${answer?.ok ? formatLine(answer.body, paint) : offLine(input, url !== undefined, paint)}\n`,
  );
}

/** Under `ccproxy code`, Claude Code (and so this command) has the server's URL in its env. */
function runningServer(): string | undefined {
  try {
    return serverUrl(process.env.ANTHROPIC_BASE_URL);
  } catch {
    return undefined;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseStatus(text: string): ClaudeStatus {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

type Paint = (code: number, text: string) => string;

const painter =
  (colour: boolean): Paint =>
  (code, text) =>
    colour ? `\x1b[${code}m${text}\x1b[0m` : text;

const COLOUR = { dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 };

/** `opus → openai,gpt-4o · $0.0123 · saved $0.2100 · $4.9900 budget left · ⚠ fallback` */
export function formatLine(info: StatuslineInfo, paint: Paint): string {
  const parts: string[] = [];
  const model = [info.requested_model, info.routed].filter(Boolean).join(' → ');
  if (model) parts.push(paint(COLOUR.cyan, model));
  if (model && info.cost_usd !== undefined)
    parts.push(info.cost_usd === null ? 'unpriced' : paint(COLOUR.green, usd(info.cost_usd)));
  if (typeof info.saved_usd === 'number' && info.saved_usd > 0)
    parts.push(paint(COLOUR.dim, `saved ${usd(info.saved_usd)}`));
  if (info.budget)
    parts.push(paint(COLOUR.yellow, `${usd(Math.max(0, info.budget.left_usd))} budget left`));
  const marker = [info.fallback && 'fallback', info.error_type].filter(Boolean).join(', ');
  if (marker) parts.push(paint(COLOUR.red, `⚠ ${marker}`));
  return parts.length ? parts.join(' · ') : 'ccproxy: no requests yet';
}

/** The short line when the server is down, or has no statusline route (no cockpit). */
function offLine(input: ClaudeStatus, running: boolean, paint: Paint): string {
  const model = input.model?.display_name ?? input.model?.id;
  const state = paint(COLOUR.red, running ? 'ccproxy: no answer' : 'ccproxy: not running');
  return model ? `${model} · ${state}` : state;
}
