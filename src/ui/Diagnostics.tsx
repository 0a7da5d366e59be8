/**
 * What an engineer reads, not a learner: every run's training rate, throughput, live tensor count
 * and probe cadence, in one collapsible section under the panels.
 */
import type { RunId } from '../state/runs';
import type { Snapshot } from './session';

export interface DiagnosticsRow { run: RunId; title: string; snapshot: Snapshot | null }

export function Diagnostics({ rows, batch }: { rows: readonly DiagnosticsRow[]; batch: number | null }) {
  return (
    <details className="diagnostics" data-testid="diagnostics">
      <summary>Diagnostics</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col" title="training steps per second">steps/s</th>
            <th scope="col" title={batch ? `steps/s × batch of ${batch}` : undefined}>samples/s</th>
            <th scope="col" title="live TensorFlow.js tensors in the worker (a leak shows as growth)">tensors</th>
            <th scope="col" title="the probe digits are embedded every this many steps">probe every</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ run, title, snapshot }) => {
            const m = snapshot?.metrics;
            return (
              <tr key={run}>
                <th scope="row">{title}</th>
                <td data-testid={`steps-per-sec-${run}`}>{m ? m.stepsPerSec.toFixed(1) : '–'}</td>
                <td data-testid={`samples-per-sec-${run}`}>{m && batch ? Math.round(m.stepsPerSec * batch).toLocaleString('en-US') : '–'}</td>
                <td data-testid={`tensors-${run}`}>{snapshot ? snapshot.numTensors : '–'}</td>
                <td>{snapshot ? `${snapshot.probeEvery} steps` : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
