/** What replaces a secret in stored history. */
export const REDACTED = '[REDACTED]';

/** Key shapes of the major vendors, bearer tokens, JWTs and PEM private keys. */
const VENDOR_SHAPES: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{20,}/g, // Anthropic
  /sk-(?:proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, OpenRouter, DeepSeek…
  /AIza[0-9A-Za-z_-]{35}/g, // Google
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\b[rs]k_live_[A-Za-z0-9]{20,}/g, // Stripe
  /\bgsk_[A-Za-z0-9]{20,}/g, // Groq
  /\bxai-[A-Za-z0-9]{20,}/g, // xAI
  /\bhf_[A-Za-z0-9]{30,}/g, // Hugging Face
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{12,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

// Variables whose values are credentials: OPENAI_API_KEY, CCPROXY_ADMIN_KEY, GEMINI_API_KEY…
const SECRET_VARIABLE = /(?:KEY|TOKEN|SECRET|PASSWORD)$/i;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces secrets in text before it is stored: vendor key shapes, bearer tokens, every credential
 * variable's value in the environment (ccproxy's and its providers' keys) and the config's own
 * patterns. Works on JSON text: none of the shapes contains a character JSON escapes.
 */
export function createRedactor(
  env: NodeJS.ProcessEnv,
  extra: readonly (string | RegExp)[] = [],
): (text: string) => string {
  const literals = Object.entries(env)
    .filter(([name, value]) => SECRET_VARIABLE.test(name) && value && value.length >= 8)
    .map(([, value]) => escape(value!));
  const patterns = [...VENDOR_SHAPES];
  // Longest first, so that a key containing another is replaced whole.
  if (literals.length)
    patterns.push(new RegExp(literals.sort((a, b) => b.length - a.length).join('|'), 'g'));
  for (const pattern of extra)
    patterns.push(
      typeof pattern === 'string'
        ? new RegExp(pattern, 'g')
        : new RegExp(
            pattern.source,
            pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
          ),
    );
  return (text) => {
    let result = text;
    for (const pattern of patterns) result = result.replace(pattern, REDACTED);
    return result;
  };
}
