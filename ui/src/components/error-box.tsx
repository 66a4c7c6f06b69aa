import type { ApiError } from '../api.ts';

/** A failure said in words, as text. */
export function ErrorBox({ message, error }: { message?: string; error?: ApiError | undefined }) {
  const text = message ?? error?.message;
  if (!text) return null;
  return (
    <p class="error" role="alert">
      {error && error.status > 0 && <strong>{error.status} </strong>}
      {text}
    </p>
  );
}
