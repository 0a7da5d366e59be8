/**
 * One panel's line about the drawn digit: the class its run predicts, with the softmax probability and
 * where the digit lies, then its distance to every class center, the nearest marked.
 */
import type { DigitEmbedding } from '../../train/embedDigit';

export function DigitReadout({ digit, brief }: { digit: DigitEmbedding; brief: boolean }) {
  const nearest = digit.distances.reduce((best, d, k) => (d < digit.distances[best] ? k : best), 0);
  return (
    <div className="digit-readout" aria-live="polite" data-testid="digit-readout">
      <p>
        <span className="digit-marker" aria-hidden="true">★</span> <strong>your digit: {digit.predicted}</strong>
        {' '}({(digit.probability * 100).toFixed(0)}%)
        {brief ? null : <> at ({digit.point[0].toFixed(2)}, {digit.point[1].toFixed(2)})</>}
      </p>
      {brief ? null : (
        <p className="digit-distances" title="Distance from your digit to each class center; the nearest is marked">
          distance to centers:{' '}
          {digit.distances.map((d, k) => (
            <span key={k} className={k === nearest ? 'nearest' : undefined}>
              {k === nearest ? <mark>{k}: {d.toFixed(2)}</mark> : `${k}: ${d.toFixed(2)}`}{k < 9 ? ' · ' : ''}
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
