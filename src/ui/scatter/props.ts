/** The scatter's props (update), construction options and the e2e specs' view of it. */
import type { Domain } from './geometry';
import type { GeometryView } from './circleView';
import type { LossGeometry } from './geometryLayer';

export interface ScatterProps {
  /** [N] probe labels (class per point), or null when not known yet. */
  labels: Uint8Array | null;
  /** [N×2] row-major embeddings, or null to clear. Never mutated (kept by reference). */
  points: Float32Array | null;
  /** [K×2] class centers, row k = class k, or null. */
  centers: Float32Array | null;
  /** Class drawn opaque on top (others faded), or null. */
  highlight: number | null;
  /** true → dark theme, false → light, undefined → follow prefers-color-scheme. */
  dark?: boolean;
  /** [N] predicted class per point, for the tooltip. */
  predictions?: Uint8Array | null;
  /** [N×side²] grey-level images (0–255) of the points, for the tooltip. */
  images?: Uint8Array | null;
  /**
   * Fit this domain instead of the plot's own data (e.g. one domain shared by several plots).
   * Switching between shared and own refits at once and drops any zoom.
   */
  domain?: Domain | null;
  /** The run's loss geometry: spokes and margin wedges (cosine heads), the ring radius R; null = none. */
  geometry?: LossGeometry | null;
  /**
   * 'plane' (default): the features as they are. 'circle': the points on the unit circle (by
   * direction; see circleView.ts), no centers, a fixed [-1.3, 1.3]² domain (`domain` is ignored).
   */
  geometryView?: GeometryView;
  /** A marked point (the digit drawn on the pad), drawn as a star over everything; null = none. */
  marker?: readonly [number, number] | null;
  /** Title (above the plot when shown, and always in the aria-label). */
  title?: string;
  /**
   * Legend click: receives the class clicked, or null when the highlighted class is clicked
   * again. When given, highlighting is controlled (the owner passes `highlight` back); when
   * absent the plot toggles its own highlight.
   */
  onLegendClick?: (cls: number | null) => void;
  /**
   * The user's zoom as the visible data domain, null = auto-fit. Leave undefined for an
   * uncontrolled plot; when given, a new value zooms the plot there (null resets it).
   */
  zoom?: Domain | null;
  /** The user zoomed or panned (the visible domain) or reset the zoom (null). */
  onZoomChange?: (zoom: Domain | null) => void;
}

export interface ScatterOptions {
  title: string;
  /** Show the title above the plot (default true; it is always part of the aria-label). */
  showTitle?: boolean;
}

/** What the e2e specs read (window.__flockScatter[run]); built only in the e2e bundle. */
export interface ScatterTestApi {
  /** True when no transition is running or pending. */
  settled(): boolean;
  /** Viewport (client) position of point i at its target location, or null. */
  screenPosition(i: number): { x: number; y: number } | null;
  getDomain(): Domain;
  /** Number of finite points drawn in the last frame. */
  pointsDrawn(): number;
  /** What the geometry layer drew in the last frame. */
  geometryDrawn(): { view: GeometryView; spokes: number; wedges: number; unitCircle: boolean; ring: string | null };
}
