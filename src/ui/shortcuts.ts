/**
 * Global keyboard shortcuts, active when focus is not in a text field: Space = Train / Pause,
 * S = one step, R = reset. Space is left alone on elements it activates natively (buttons,
 * checkboxes, <summary>…), so it never does two things at once.
 */
import { useEffect, useRef } from 'react';

export interface ShortcutActions {
  enabled: boolean;
  training: boolean;
  train: () => void;
  step: () => void;
  reset: () => void;
}

export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'Space', what: 'Train / Pause' },
  { keys: 'S', what: 'one training step (while paused)' },
  { keys: 'R', what: 'reset every run' },
];

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image']);

function isTextField(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  return t instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(t.type);
}

function spaceActivates(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t instanceof HTMLButtonElement || t.tagName === 'SUMMARY') return true;
  if (t instanceof HTMLInputElement && t.type !== 'range') return true;
  const role = t.getAttribute('role');
  return role === 'button' || role === 'checkbox' || role === 'switch' || role === 'radio' || role === 'menuitem';
}

export function useShortcuts(actions: ShortcutActions): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = ref.current;
      if (!a.enabled || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTextField(e.target)) return;
      if (e.key === ' ') {
        if (spaceActivates(e.target)) return;
        e.preventDefault(); // no page scroll
        if (!e.repeat) a.train();
      } else if (e.key === 's' || e.key === 'S') {
        if (a.training) return;
        e.preventDefault();
        a.step();
      } else if ((e.key === 'r' || e.key === 'R') && !e.repeat) {
        e.preventDefault();
        a.reset();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
