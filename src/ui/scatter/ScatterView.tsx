/**
 * Thin React wrapper around the imperative Scatter: create on mount, update on prop changes,
 * destroy on unmount. StrictMode's mount → unmount → mount destroys the first instance (removing
 * its DOM) before creating the second, so only one canvas ever lives in the container.
 */
import { useEffect, useRef } from 'react';
import { Scatter, type ScatterProps } from './Scatter';
import './scatter.css';

export { CLASS_COLORS } from './Scatter';
export type { ScatterProps } from './Scatter';

export type ScatterViewProps = ScatterProps & {
  title: string;
  onLegendClick?: (c: number | null) => void;
  /** Show the title above the plot (default true). Read once, at mount. */
  showTitle?: boolean;
  className?: string;
};

export function ScatterView(props: ScatterViewProps) {
  const { labels, points, centers, highlight, dark, title, onLegendClick, showTitle, className } = props;
  const ref = useRef<HTMLDivElement>(null);
  const scatter = useRef<Scatter | null>(null);

  // Create / destroy. Declared first so the update effects below see the instance.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const s = new Scatter(el, { title, onLegendClick, showTitle });
    scatter.current = s;
    return () => {
      s.destroy();
      if (scatter.current === s) scatter.current = null;
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
    scatter.current?.update({ labels, points, centers, highlight, dark });
  }, [labels, points, centers, highlight, dark]);

  return <div ref={ref} className={className ? `scatter-view ${className}` : 'scatter-view'} />;
}
