import { useEffect, useState } from 'preact/hooks';

type Theme = 'auto' | 'light' | 'dark';
const NEXT: Record<Theme, Theme> = { auto: 'dark', dark: 'light', light: 'auto' };
const KEY = 'ccproxy-theme';
const system = matchMedia('(prefers-color-scheme: dark)');

function stored(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'auto';
}

/** Sets the page's colours: the chosen theme, or the system's for `auto`. */
function apply(theme: Theme): void {
  const dark = theme === 'dark' || (theme === 'auto' && system.matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

// At load, before the first paint of the app: no flash of the other theme.
apply(stored());

/** Light, dark, or the system's choice (followed as it changes); kept in this browser. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(stored);
  useEffect(() => {
    apply(theme);
    if (theme === 'auto') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
    const follow = () => apply(theme);
    system.addEventListener('change', follow);
    return () => system.removeEventListener('change', follow);
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
