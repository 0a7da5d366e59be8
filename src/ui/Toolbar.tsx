/** Header tools: Copy link, the figure-view toggle, the theme switch and the keyboard-shortcut help. */
import { useEffect, useRef, useState } from 'react';
import { SHORTCUTS } from './shortcuts';
import { THEME_PREFS, type ThemePref } from './theme';

const THEME_LABEL: Record<ThemePref, string> = { light: 'Light', dark: 'Dark', system: 'System' };

export interface ToolbarProps {
  theme: ThemePref;
  onTheme: (t: ThemePref) => void;
  /** Figure view: the panels as the paper's figure. */
  figure: boolean;
  onFigure: (on: boolean) => void;
}

export function Toolbar({ theme, onTheme, figure, onFigure }: ToolbarProps) {
  return (
    <div className="toolbar">
      <CopyLink />
      <button type="button" aria-pressed={figure} onClick={() => onFigure(!figure)}
        title="Show the panels as the paper's figure: one row of square plots, one caption, Save figure as PNG or SVG">
        Figure view
      </button>
      <div className="theme-switch" role="group" aria-label="Theme">
        {THEME_PREFS.map((t) => (
          <button key={t} type="button" aria-pressed={theme === t} onClick={() => onTheme(t)}
            title={t === 'system' ? 'Follow the system setting' : `${THEME_LABEL[t]} theme`}>
            {THEME_LABEL[t]}
          </button>
        ))}
      </div>
      <ShortcutsHelp />
    </div>
  );
}

/** Copies location.href (which always carries the current parameters); shows the URL to copy by hand if the clipboard is unavailable. */
function CopyLink() {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const [url, setUrl] = useState('');
  const timer = useRef(0);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (state === 'manual') field.current?.select();
  }, [state, url]);

  const copy = async () => {
    const href = window.location.href;
    setUrl(href);
    clearTimeout(timer.current);
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(href);
      setState('copied');
      timer.current = window.setTimeout(() => setState('idle'), 3000);
    } catch {
      setState('manual');
    }
  };

  return (
    <div className="copy-link">
      <button type="button" onClick={copy} title="Copy a link to this page with the current λ, α, model, seed and settings">Copy link</button>
      <span className="copy-status" role="status" aria-live="polite" data-testid="copy-status">{state === 'copied' ? 'Link copied' : ''}</span>
      {state === 'manual' ? (
        <label className="copy-fallback">
          Copy this link:
          <input ref={field} type="text" readOnly value={url} data-testid="link-fallback" onFocus={(e) => e.target.select()} />
        </label>
      ) : null}
    </div>
  );
}

function ShortcutsHelp() {
  return (
    <>
      <button type="button" className="help-button" popoverTarget="shortcuts-help" aria-label="Keyboard shortcuts" title="Keyboard shortcuts">?</button>
      <div id="shortcuts-help" className="popover" popover="auto" role="dialog" aria-labelledby="shortcuts-help-title">
        <h2 id="shortcuts-help-title">Keyboard shortcuts</h2>
        <p className="hint">When the focus is not in a text field:</p>
        <dl className="keys">
          {SHORTCUTS.map((s) => (
            <div key={s.keys}><dt><kbd>{s.keys}</kbd></dt><dd>{s.what}</dd></div>
          ))}
        </dl>
        <p className="hint">On a focused plot:</p>
        <dl className="keys">
          <div><dt><kbd>←</kbd> <kbd>→</kbd> <kbd>↑</kbd> <kbd>↓</kbd></dt><dd>pan</dd></div>
          <div><dt><kbd>+</kbd> <kbd>−</kbd></dt><dd>zoom (double-click or <kbd>0</kbd> refits)</dd></div>
          <div><dt><kbd>Esc</kbd></dt><dd>hide the point tooltip</dd></div>
        </dl>
        <p className="hint"><kbd>Tab</kbd> moves between controls; hover or tap a point to see its digit.</p>
        <button type="button" popoverTarget="shortcuts-help" popoverTargetAction="hide">Close</button>
      </div>
    </>
  );
}
