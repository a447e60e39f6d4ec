/** Light/dark theme: follows `prefers-color-scheme` until the user picks one (kept locally). */

export type Theme = 'light' | 'dark';
const KEY = 'aiobs.theme';

/** The theme in force: the user's choice, else the system's. */
export function currentTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Applies `theme` to the document (CSS variables switch on `data-theme`). */
export function applyTheme(theme: Theme, remember = false): void {
  document.documentElement.dataset.theme = theme;
  if (remember) localStorage.setItem(KEY, theme);
}
