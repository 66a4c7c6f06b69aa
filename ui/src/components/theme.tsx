import { useEffect, useState } from 'preact/hooks';

type Theme = 'auto' | 'light' | 'dark';
const NEXT: Record<Theme, Theme> = { auto: 'dark', dark: 'light', light: 'auto' };
const KEY = 'ccproxy-theme';

function stored(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'auto';
}

/** Light, dark, or the system's choice; kept in this browser. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(stored);
  useEffect(() => {
    if (theme === 'auto') {
      delete document.documentElement.dataset.theme;
      localStorage.removeItem(KEY);
    } else {
      document.documentElement.dataset.theme = theme;
      localStorage.setItem(KEY, theme);
    }
  }, [theme]);
  return (
    <button
      type="button"
      class="ghost"
      title="Colour theme: system, dark or light"
      aria-label={`Colour theme: ${theme}`}
      onClick={() => setTheme(NEXT[theme])}
    >
      {theme === 'auto' ? 'Theme' : theme === 'dark' ? 'Dark' : 'Light'}
    </button>
  );
}
