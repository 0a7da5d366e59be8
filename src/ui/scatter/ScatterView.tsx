/** The scatter plot as a React component: the imperative Scatter in an ImperativeView. */
import type { RefObject } from 'react';
import { ImperativeView } from '../ImperativeView';
import { Scatter, type ScatterProps } from './Scatter';
import { exposeScatter } from '../testHooks';
import './scatter.css';

export { CLASS_COLORS } from './Scatter';
export type { ScatterProps } from './Scatter';

export type ScatterViewProps = ScatterProps & {
  title: string;
  /** Show the title above the plot (default true). Read once, at mount. */
  showTitle?: boolean;
  /** Receives the instance (for exports); null after unmount. */
  apiRef?: RefObject<Scatter | null>;
  /** Name under which the e2e build exposes the instance's test API (window.__flockScatter[hookId]). */
  hookId?: string;
};

export function ScatterView({ showTitle, apiRef, hookId, ...props }: ScatterViewProps) {
  return (
    <ImperativeView
      className="scatter-view"
      props={props}
      create={(el) => new Scatter(el, { title: props.title, showTitle })}
      attach={(s) => {
        if (apiRef) apiRef.current = s;
        const unexpose = exposeScatter(hookId, s.testApi);
        return () => {
          unexpose();
          if (apiRef && apiRef.current === s) apiRef.current = null;
        };
      }}
    />
  );
}
