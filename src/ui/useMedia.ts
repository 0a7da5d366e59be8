/** Whether a CSS media query matches, kept current (e.g. the phone layout below 600 px). */
import { useEffect, useState } from 'react';

export const NARROW = '(max-width: 600px)';

export function useMedia(query: string): boolean {
  const read = () => typeof matchMedia === 'function' && matchMedia(query).matches;
  const [on, setOn] = useState(read);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia(query);
    const sync = () => setOn(mq.matches);
    sync();
    mq.addEventListener('change', sync);
    return () => mq.removeEventListener('change', sync);
  }, [query]);
  return on;
}
