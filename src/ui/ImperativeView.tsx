/**
 * One React wrapper for imperative views (the scatter, the sparklines): the view is created once
 * on mount, gets `update(props)` whenever a prop changes (shallow compare) and is destroyed on
 * unmount. StrictMode's mount → unmount → mount destroys the first instance before creating the
 * second, so only one view ever lives in the container.
 */
import { useEffect, useRef } from 'react';

export interface ImperativeViewInstance<P> {
  update(props: P): void;
  destroy(): void;
}

export interface ImperativeViewProps<P extends object, V extends ImperativeViewInstance<P>> {
  /** Makes the view inside `container`. Read once, at mount. */
  create: (container: HTMLDivElement) => V;
  props: P;
  /** Called with each new instance; its cleanup runs before the instance is destroyed. Read once, at mount. */
  attach?: (view: V) => (() => void) | void;
  className?: string;
  testId?: string;
}

export function ImperativeView<P extends object, V extends ImperativeViewInstance<P>>(p: ImperativeViewProps<P, V>) {
  const ref = useRef<HTMLDivElement>(null);
  const view = useRef<V | null>(null);
  const applied = useRef<P | null>(null);
  const init = useRef({ create: p.create, attach: p.attach });

  // Create / destroy. Declared first so the update effect below sees the instance.
  useEffect(() => {
    const { create, attach } = init.current;
    const v = create(ref.current!);
    view.current = v;
    applied.current = null;
    const detach = attach?.(v);
    return () => {
      detach?.();
      v.destroy();
      if (view.current === v) view.current = null;
      applied.current = null;
    };
  }, []);

  const { props } = p;
  useEffect(() => {
    const v = view.current;
    if (!v || (applied.current && shallowEqual(applied.current, props))) return;
    applied.current = props;
    v.update(props);
  });

  return <div ref={ref} className={p.className} data-testid={p.testId} />;
}

export function shallowEqual(a: object, b: object): boolean {
  if (a === b) return true;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is(ra[k], rb[k]));
}
