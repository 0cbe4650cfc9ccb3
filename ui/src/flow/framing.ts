// Where a flow is shown: framed whole when it opens and on "Fit", and the view a person
// left each document at, kept for the session (session scope: in memory, never synced).

import type { Viewport } from "../canvas/types";

export type Bounds = { minX: number; minY: number; maxX: number; maxY: number };

/** How a flow is framed: the fraction of the pane left free on each side, and the zoom range. */
export type FrameOptions = { padding: number; minZoom: number; maxZoom: number };

/**
 * When a document opens: framed whole, at most 100 %, down to 20 % (a 40-element process in
 * three lanes on a laptop's pane needs about 35 %); a flow too large even for that opens at
 * its top-left part at 20 %, where shapes and pool and lane names can still be told apart.
 */
export const OPEN_FRAME: FrameOptions = { padding: 0.05, minZoom: 0.2, maxZoom: 1 };
/** "Fit": the whole flow, whatever its size, down to the canvas's smallest zoom. */
export const FIT_FRAME: FrameOptions = { padding: 0.05, minZoom: 0.1, maxZoom: 1 };

/** The bounds of what a flow draws: nodes, lanes and edge routes. */
export function flowBounds(
  rects: Iterable<{ x: number; y: number; w: number; h: number }>,
  routes: Iterable<{ waypoints: readonly { x: number; y: number }[] }> = [],
): Bounds | null {
  const b: Bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const r of rects) {
    b.minX = Math.min(b.minX, r.x);
    b.minY = Math.min(b.minY, r.y);
    b.maxX = Math.max(b.maxX, r.x + r.w);
    b.maxY = Math.max(b.maxY, r.y + r.h);
  }
  for (const e of routes) {
    for (const p of e.waypoints) {
      b.minX = Math.min(b.minX, p.x);
      b.minY = Math.min(b.minY, p.y);
      b.maxX = Math.max(b.maxX, p.x);
      b.maxY = Math.max(b.maxY, p.y);
    }
  }
  return Number.isFinite(b.minX) ? b : null;
}

/** The viewport that frames `b` in a pane of `width` × `height` CSS pixels. */
export function frameViewport(b: Bounds, width: number, height: number, o: FrameOptions): Viewport {
  const fit = Math.min(
    (width * (1 - 2 * o.padding)) / Math.max(1, b.maxX - b.minX),
    (height * (1 - 2 * o.padding)) / Math.max(1, b.maxY - b.minY),
  );
  const zoom = Math.min(o.maxZoom, Math.max(o.minZoom, fit));
  if (fit < o.minZoom) return { x: -b.minX * zoom + 24, y: -b.minY * zoom + 24, zoom };
  return { x: width / 2 - ((b.minX + b.maxX) / 2) * zoom, y: height / 2 - ((b.minY + b.maxY) / 2) * zoom, zoom };
}

/** The viewport a person left each document at, for this session. */
export const sessionViewports = new Map<string, Viewport>();
