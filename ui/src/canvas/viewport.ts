// Viewport math: screen = flow × zoom + (x, y), screen relative to the canvas element's top-left
// corner in CSS pixels. Pure functions so that the component, hit testing and tests agree.

import type { Point, Rect, Viewport } from "./types";

export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 3;

export function clampZoom(zoom: number, min = MIN_ZOOM, max = MAX_ZOOM): number {
  return Math.min(max, Math.max(min, zoom));
}

export function flowToScreen(v: Viewport, p: Point): Point {
  return { x: p.x * v.zoom + v.x, y: p.y * v.zoom + v.y };
}

export function screenToFlow(v: Viewport, p: Point): Point {
  return { x: (p.x - v.x) / v.zoom, y: (p.y - v.y) / v.zoom };
}

export function flowRectToScreen(v: Viewport, r: Rect): Rect {
  return { x: r.x * v.zoom + v.x, y: r.y * v.zoom + v.y, w: r.w * v.zoom, h: r.h * v.zoom };
}

/** The part of the flow visible in a canvas of the given CSS size. */
export function visibleFlowRect(v: Viewport, width: number, height: number): Rect {
  return { x: -v.x / v.zoom, y: -v.y / v.zoom, w: width / v.zoom, h: height / v.zoom };
}

/** Zooms to `zoom` (clamped) keeping the flow point under `screen` where it is. */
export function zoomAround(v: Viewport, screen: Point, zoom: number): Viewport {
  const z = clampZoom(zoom);
  const f = screenToFlow(v, screen);
  return { x: screen.x - f.x * z, y: screen.y - f.y * z, zoom: z };
}

/**
 * The zoom factor for one wheel event. Lines and pages (Firefox, some mice) are converted to
 * pixels first, and one event is limited so that a fast wheel cannot jump across the range.
 */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  const limited = Math.max(-200, Math.min(200, px));
  return Math.exp(-limited * 0.002);
}

/**
 * The viewport that shows `bounds` whole and centred; `padding` is a fraction of the canvas
 * size left free on each side (like xyflow's fitView padding).
 */
export function fitBounds(
  bounds: Rect,
  width: number,
  height: number,
  padding = 0.1,
  minZoom = MIN_ZOOM,
  maxZoom = 1,
): Viewport {
  const availW = Math.max(1, width * (1 - 2 * padding));
  const availH = Math.max(1, height * (1 - 2 * padding));
  const zoom = clampZoom(Math.min(availW / Math.max(bounds.w, 1), availH / Math.max(bounds.h, 1)), minZoom, maxZoom);
  return centerOn({ x: bounds.x + bounds.w / 2, y: bounds.y + bounds.h / 2 }, width, height, zoom);
}

/** The viewport at `zoom` with the flow point `p` in the middle of the canvas. */
export function centerOn(p: Point, width: number, height: number, zoom: number): Viewport {
  return { x: width / 2 - p.x * zoom, y: height / 2 - p.y * zoom, zoom };
}

/** Rounds the translation to whole device pixels, so that cached bitmaps can be blitted and shifted without resampling. */
export function alignToDevicePixels(v: Viewport, dpr: number): Viewport {
  return { x: Math.round(v.x * dpr) / dpr, y: Math.round(v.y * dpr) / dpr, zoom: v.zoom };
}

export function sameViewport(a: Viewport, b: Viewport): boolean {
  return a.x === b.x && a.y === b.y && a.zoom === b.zoom;
}
