import { useEffect, useState } from 'react';

/** The theme a person picks: the system's, or light or dark whatever the system says. */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'sightline.theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

/** The theme picked in this browser (the system's until one is). */
export function storedTheme(): Theme {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

/** Light or dark, as a theme resolves now. */
export function resolvedTheme(theme: Theme): 'light' | 'dark' {
  return theme === 'system' ? (systemDark.matches ? 'dark' : 'light') : theme;
}

/** Puts the theme on the page: the stylesheet's colours follow `data-theme` on <html>. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = resolvedTheme(theme);
}

/**
 * The picked theme, a way to pick another (remembered in this browser), and what it resolves
 * to now — which follows the system while the pick is "system".
 */
export function useTheme(): { theme: Theme; applied: 'light' | 'dark'; pick: (t: Theme) => void } {
  const [theme, setTheme] = useState(storedTheme);
  const [applied, setApplied] = useState(() => resolvedTheme(theme));
  useEffect(() => {
    const update = () => {
      applyTheme(theme);
      setApplied(resolvedTheme(theme));
    };
    update();
    if (theme !== 'system') return;
    systemDark.addEventListener('change', update);
    return () => systemDark.removeEventListener('change', update);
  }, [theme]);
  const pick = (t: Theme) => {
    if (t === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, t);
    setTheme(t);
  };
  return { theme, applied, pick };
}
