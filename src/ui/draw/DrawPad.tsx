/**
 * "Draw a digit": a pad for mouse, touch and pen (pointer events), with undo of the last stroke and
 * Clear, and beside it the 28×28 image the networks see (mnistDigit.ts: MNIST's own preprocessing).
 * While a stroke is drawn the image is remade and reported at most every THROTTLE_MS, and at once when
 * the stroke ends; `onDigit(null)` when the pad is empty again.
 */
import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { DIGIT_SIDE, mnistDigit, type StrokePoint } from './mnistDigit';

/** The pad's side in CSS px: ten pad pixels per MNIST pixel. */
export const PAD = 280;
/** The pen's width in pad pixels (≈ 2.2 MNIST pixels for a digit as tall as the pad's middle 200 px). */
export const PEN = 22;
const THROTTLE_MS = 100;

export interface DrawPadProps {
  onDigit: (pixels: Float32Array | null) => void;
}

export function DrawPad({ onDigit }: DrawPadProps) {
  const pad = useRef<HTMLCanvasElement>(null);
  const preview = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<StrokePoint[][]>([]);
  const active = useRef<{ pointer: number; lastSent: number } | null>(null);
  const [count, setCount] = useState(0);
  const onDigitRef = useRef(onDigit);
  onDigitRef.current = onDigit;

  const paint = useCallback(() => {
    const c = pad.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(PAD * dpr)) { c.width = Math.round(PAD * dpr); c.height = Math.round(PAD * dpr); }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, PAD, PAD);
    ctx.strokeStyle = ctx.fillStyle = getComputedStyle(c).color || '#000';
    ctx.lineWidth = PEN;
    ctx.lineCap = ctx.lineJoin = 'round';
    for (const s of strokes.current) {
      ctx.beginPath();
      if (s.length === 1) { ctx.arc(s[0].x, s[0].y, PEN / 2, 0, Math.PI * 2); ctx.fill(); continue; }
      s.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      ctx.stroke();
    }
  }, []);

  /** Remakes the 28×28 image, shows it, and reports it. */
  const emit = useCallback(() => {
    const pixels = mnistDigit(strokes.current, PEN);
    const ctx = preview.current?.getContext('2d');
    if (ctx) {
      const im = ctx.createImageData(DIGIT_SIDE, DIGIT_SIDE);
      for (let i = 0; i < DIGIT_SIDE * DIGIT_SIDE; i++) {
        const v = Math.round((pixels?.[i] ?? 0) * 255); // MNIST's look: white ink on black
        im.data.set([v, v, v, 255], i * 4);
      }
      ctx.putImageData(im, 0, 0);
    }
    onDigitRef.current(pixels);
  }, []);

  useEffect(paint, [paint]);

  const at = (e: ReactPointerEvent<HTMLCanvasElement>, ev: { clientX: number; clientY: number } = e): StrokePoint => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((ev.clientX - r.left) * PAD) / (r.width || PAD), y: ((ev.clientY - r.top) * PAD) / (r.height || PAD) };
  };

  const down = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (active.current || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    try { e.currentTarget.setPointerCapture(e.pointerId); } catch { /* a pointer the browser does not track: no capture */ }
    active.current = { pointer: e.pointerId, lastSent: performance.now() };
    strokes.current = [...strokes.current, [at(e)]];
    setCount(strokes.current.length);
    paint();
  };
  const move = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const a = active.current;
    if (!a || a.pointer !== e.pointerId) return;
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    const stroke = strokes.current[strokes.current.length - 1];
    for (const ev of events.length ? events : [e.nativeEvent]) stroke.push(at(e, ev));
    paint();
    const now = performance.now();
    if (now - a.lastSent >= THROTTLE_MS) { a.lastSent = now; emit(); }
  };
  const up = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (!active.current || active.current.pointer !== e.pointerId) return;
    active.current = null;
    emit();
  };

  const undo = () => {
    active.current = null;
    strokes.current = strokes.current.slice(0, -1);
    setCount(strokes.current.length);
    paint();
    emit();
  };
  const clear = () => {
    active.current = null;
    strokes.current = [];
    setCount(0);
    paint();
    emit();
  };

  return (
    <aside className="drawpad" aria-labelledby="drawpad-title">
      <h2 id="drawpad-title">Draw a digit</h2>
      <p className="hint" id="drawpad-hint">Draw with the mouse, a finger or a pen; every panel shows where its run puts your digit.</p>
      <canvas
        ref={pad} className="drawpad-canvas" role="img" aria-label="Draw a digit" aria-describedby="drawpad-hint"
        style={{ width: PAD, height: PAD }}
        onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up}
      />
      <div className="drawpad-row">
        <figure className="drawpad-preview">
          <canvas ref={preview} width={DIGIT_SIDE} height={DIGIT_SIDE} role="img" aria-label="Your digit as the networks see it (28 × 28)" />
          <figcaption>28 × 28, as MNIST</figcaption>
        </figure>
        <div className="drawpad-buttons">
          <button type="button" onClick={undo} disabled={count === 0}>Undo stroke</button>
          <button type="button" onClick={clear} disabled={count === 0}>Clear drawing</button>
        </div>
      </div>
    </aside>
  );
}
