/**
 * Light / dark / system theme. The choice is kept in localStorage (not the URL: it is a reader's
 * preference, not part of a shared experiment); the resolved theme is set on <html> as class
 * `dark` or `light` and data-theme, which app.css keys its colours on.
 */
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';

export type ThemePref = 'light' | 'dark' | 'system';
export const THEME_PREFS: readonly ThemePref[] = ['light', 'dark', 'system'];
const KEY = 'flock-theme';
const QUERY = '(prefers-color-scheme: dark)';

function readPref(): ThemePref {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' || v === 'system' ? v : 'system';
  } catch {
    return 'system'; // storage blocked
  }
}

const systemDark = () => typeof matchMedia === 'function' && matchMedia(QUERY).matches;

export function useTheme(): { pref: ThemePref; setPref: (p: ThemePref) => void; dark: boolean } {
  const [pref, setPrefState] = useState<ThemePref>(readPref);
  const [sysDark, setSysDark] = useState(systemDark);

  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia(QUERY);
    const on = () => setSysDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);

  const dark = pref === 'dark' || (pref === 'system' && sysDark);
  useLayoutEffect(() => {
    const html = document.documentElement;
    html.classList.toggle('dark', dark);
    html.classList.toggle('light', !dark);
    html.dataset.theme = dark ? 'dark' : 'light';
    html.dataset.themePref = pref;
  }, [dark, pref]);

  const setPref = useCallback((p: ThemePref) => {
    setPrefState(p);
    try {
      localStorage.setItem(KEY, p);
    } catch {
      /* not persisted */
    }
  }, []);
  return { pref, setPref, dark };
}
