import { useRef, useState } from 'preact/hooks';

/**
 * A value to paste somewhere else, with a button that copies it. The clipboard API needs a secure
 * context (loopback counts); elsewhere the text is selected for Ctrl+C instead.
 */
export function Copy({ label, text }: { label: string; text: string }) {
  const [done, setDone] = useState<'copied' | 'select' | undefined>();
  const code = useRef<HTMLElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      if (code.current) getSelection()?.selectAllChildren(code.current);
      setDone('select');
    }
  };
  return (
    <div class="copy">
      <div class="copy-head">
        <span>{label}</span>
        <button
          type="button"
          class="small"
          onClick={() => void copy()}
          aria-label={`Copy ${label}`}
        >
          {done === 'copied' ? 'Copied' : done === 'select' ? 'Press Ctrl+C' : 'Copy'}
        </button>
      </div>
      <pre>
        <code ref={code}>{text}</code>
      </pre>
    </div>
  );
}
