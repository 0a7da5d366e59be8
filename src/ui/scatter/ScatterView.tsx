/**
 * Thin React wrapper around the imperative Scatter: create on mount, update on prop changes,
 * destroy on unmount. StrictMode's mount → unmount → mount destroys the first instance (removing
 * its DOM) before creating the second, so only one canvas ever lives in the container.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { Scatter, type ScatterProps } from './Scatter';
import { exposeScatter } from '../testHooks';
import './scatter.css';

export { CLASS_COLORS } from './Scatter';
export type { ScatterProps } from './Scatter';

export type ScatterViewProps = ScatterProps & {
  title: string;
  onLegendClick?: (c: number | null) => void;
  onHover?: (index: number | null) => void;
  /** Show the title above the plot (default true). Read once, at mount. */
  showTitle?: boolean;
  className?: string;
  /** Receives the instance (for exports); null after unmount. */
  apiRef?: RefObject<Scatter | null>;
  /** Name under which the e2e build exposes the instance (window.__flockScatter[hookId]). */
  hookId?: string;
};

export function ScatterView(props: ScatterViewProps) {
  const { labels, points, centers, highlight, dark, predictions, images, domain, marker, title, onLegendClick, onHover, showTitle, className, apiRef, hookId } = props;
  const ref = useRef<HTMLDivElement>(null);
  const scatter = useRef<Scatter | null>(null);

  // Create / destroy. Declared first so the update effects below see the instance.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const s = new Scatter(el, { title, onLegendClick, onHover, showTitle });
    scatter.current = s;
    if (apiRef) apiRef.current = s;
    const unexpose = exposeScatter(hookId, s);
    return () => {
      unexpose();
      s.destroy();
      if (scatter.current === s) scatter.current = null;
      if (apiRef && apiRef.current === s) apiRef.current = null;
    };
    // The instance is created once; later title / callback changes go through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    scatter.current?.setTitle(title);
  }, [title]);

  useEffect(() => {
    scatter.current?.setLegendHandler(onLegendClick);
  }, [onLegendClick]);

  useEffect(() => {
    scatter.current?.setHoverHandler(onHover);
  }, [onHover]);

  useEffect(() => {
    scatter.current?.update({ labels, points, centers, highlight, dark, predictions, images, domain, marker });
  }, [labels, points, centers, highlight, dark, predictions, images, domain, marker]);

  return <div ref={ref} className={className ? `scatter-view ${className}` : 'scatter-view'} />;
}
