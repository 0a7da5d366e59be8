/**
 * A panel's view of its run's loss geometry: cosine heads open in the unit-circle view (all they
 * learn is in the angle) and the panel's "Unit circle" button switches between it and the feature
 * plane; every other loss shows the plane, with no button.
 */
import { useState } from 'react';
import { isCosineHead } from '../../train/losses/ids';
import type { GeometryView } from './circleView';
import type { LossGeometry } from './geometryLayer';

export interface GeometryViewState {
  view: GeometryView;
  /** Switch plane ↔ circle; null where the loss has no circle view. */
  toggle: (() => void) | null;
}

export function useGeometryView(geometry: LossGeometry | null | undefined): GeometryViewState {
  const [choice, setChoice] = useState<GeometryView | null>(null);
  if (!geometry || !isCosineHead(geometry.loss)) return { view: 'plane', toggle: null };
  const view = choice ?? 'circle';
  return { view, toggle: () => setChoice(view === 'circle' ? 'plane' : 'circle') };
}
