// Editing an edge's route (its bend points), as in Camunda Modeler: where the handles of the one
// selected edge are (one on each inner bend point, a smaller one on the middle of each segment),
// where a dragged point goes (snapped to the grid, and into line with its neighbours when near),
// which points a drag leaves redundant (a bend dragged onto the straight line between its
// neighbours is removed: that is how a bend point is deleted, double-click renames the edge), and
// the route's ends, which stay on the borders of source and target. Pure, in flow coordinates,
// so the interaction and its tests share it.

import { borderPoint, distanceToSegment, snap } from "./geometry";
import type { CanvasNode, Point } from "./types";

/** Radius of a bend point's handle, and of the smaller one on a segment's middle, in screen pixels. */
export const BEND_HANDLE_PX = 4.5;
export const MID_HANDLE_PX = 3.5;
/** How far from a handle's centre (screen pixels) it can be grabbed. */
export const ROUTE_GRAB_PX = 7;
/** Segments shorter than this on screen get no middle handle: it would sit on the bend handles. */
export const MIN_SEGMENT_PX = 24;
/** A dragged point closer than this (screen pixels) to a neighbour's x or y takes it. */
export const ALIGN_PX = 5;
/** A bend point within this distance (screen pixels) of the line between its neighbours is redundant. */
export const STRAIGHT_PX = 4;

/**
 * A route handle: a bend point (`index` into the route's points, never an end), or the middle of
 * the segment from point `index` to point `index + 1`.
 */
export type RouteHandle = { kind: "bend"; index: number } | { kind: "mid"; index: number };

export function sameHandle(a: RouteHandle | null, b: RouteHandle | null): boolean {
  return a === b || (a !== null && b !== null && a.kind === b.kind && a.index === b.index);
}

function midpoint(a: Point, b: Point): Point {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/** The middles of the segments long enough on screen to carry a handle. */
export function segmentMiddles(points: readonly Point[], zoom: number): { index: number; p: Point }[] {
  const out: { index: number; p: Point }[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    if (Math.hypot(b.x - a.x, b.y - a.y) * zoom >= MIN_SEGMENT_PX) out.push({ index: i, p: midpoint(a, b) });
  }
  return out;
}

/** Where a handle is drawn. */
export function handlePoint(points: readonly Point[], h: RouteHandle): Point {
  return h.kind === "bend" ? points[h.index] : midpoint(points[h.index], points[h.index + 1]);
}

/** The handle under flow point `p`, if any: the nearest bend point first, then a segment's middle. */
export function routeHandleAt(points: readonly Point[], p: Point, zoom: number): RouteHandle | null {
  const grab = ROUTE_GRAB_PX / zoom;
  let best: RouteHandle | null = null;
  let bestD = Infinity;
  for (let i = 1; i + 1 < points.length; i++) {
    const d = Math.hypot(points[i].x - p.x, points[i].y - p.y);
    if (d <= grab && d < bestD) {
      bestD = d;
      best = { kind: "bend", index: i };
    }
  }
  if (best) return best;
  for (const m of segmentMiddles(points, zoom)) {
    const d = Math.hypot(m.p.x - p.x, m.p.y - p.y);
    if (d <= grab && d < bestD) {
      bestD = d;
      best = { kind: "mid", index: m.index };
    }
  }
  return best;
}

/**
 * Where a point dragged to `raw` between `prev` and `next` goes: onto the straight line between
 * them when within `straight` (flow units; `onLine`: the point is then redundant and removed at
 * the end of the drag), else each coordinate into line with a neighbour's when within `align`,
 * else onto the grid.
 */
export function placePoint(
  raw: Point,
  prev: Point,
  next: Point,
  grid: number,
  align: number,
  straight: number,
): { p: Point; onLine: boolean } {
  const dx = next.x - prev.x;
  const dy = next.y - prev.y;
  const len2 = dx * dx + dy * dy;
  if (len2 > 0 && distanceToSegment(raw, prev, next) <= straight) {
    const t = Math.max(0, Math.min(1, ((raw.x - prev.x) * dx + (raw.y - prev.y) * dy) / len2));
    return { p: { x: prev.x + t * dx, y: prev.y + t * dy }, onLine: true };
  }
  return { p: alignedPoint(raw, [prev, next], grid, align), onLine: false };
}

/** Each coordinate of `raw` into line with a neighbour's when within `align`, else onto the grid. */
export function alignedPoint(raw: Point, neighbours: readonly Point[], grid: number, align: number): Point {
  const axis = (v: number, of: (q: Point) => number) => {
    let best = snap(v, grid);
    let bestD = align;
    for (const q of neighbours) {
      const d = Math.abs(of(q) - v);
      if (d <= bestD) {
        bestD = d;
        best = of(q);
      }
    }
    return best;
  };
  return { x: axis(raw.x, (q) => q.x), y: axis(raw.y, (q) => q.y) };
}

/**
 * The full route through `inner` (the bend points): an end keeps its point from `before` while
 * its neighbouring bend point is the one it had, else it moves onto its node's border facing that
 * bend point. Without bend points the ends stay as they were (a straight line between them).
 */
export function routeThrough(
  before: readonly Point[],
  inner: readonly Point[],
  source: CanvasNode | undefined,
  target: CanvasNode | undefined,
): Point[] {
  const first = before[0];
  const last = before[before.length - 1];
  if (inner.length === 0) return [first, last];
  const same = (a: Point, b: Point | undefined) => b !== undefined && a.x === b.x && a.y === b.y;
  const a = inner[0];
  const b = inner[inner.length - 1];
  const start = !source || (before.length > 2 && same(a, before[1])) ? first : borderPoint(source, a);
  const end = !target || (before.length > 2 && same(b, before[before.length - 2])) ? last : borderPoint(target, b);
  return [start, ...inner, end];
}

/**
 * Removes the bend points among `candidates` (by identity) that lie within `tol` of the straight
 * line between their neighbours (a point dragged onto that line, or onto a neighbour), until none
 * is left. The ends always stay.
 */
export function withoutRedundant(points: readonly Point[], candidates: ReadonlySet<Point>, tol: number): Point[] {
  const out = [...points];
  for (let i = 1; i + 1 < out.length; ) {
    if (candidates.has(out[i]) && distanceToSegment(out[i], out[i - 1], out[i + 1]) <= tol) {
      out.splice(i, 1);
      i = 1;
    } else i++;
  }
  return out;
}

export function sameRoute(a: readonly Point[], b: readonly Point[]): boolean {
  return a.length === b.length && a.every((p, i) => p.x === b[i].x && p.y === b[i].y);
}

/** What dragging a route handle by some amount gives: the live route and the dragged point's index in it. */
export type RouteDrag = { points: Point[]; index: number };

/**
 * The route after dragging handle `h` of `before` so that its point lies near `raw` (flow
 * units): a bend point moves, a segment's middle becomes a new bend point there. The point is
 * placed by placePoint, between its neighbours as they were; the ends follow by routeThrough,
 * except while the point lies on the line between its neighbours: the route is then drawn as it
 * will be once the point is removed, ends included.
 */
export function draggedRoute(
  before: readonly Point[],
  h: RouteHandle,
  raw: Point,
  source: CanvasNode | undefined,
  target: CanvasNode | undefined,
  grid: number,
  zoom: number,
): RouteDrag {
  const inner = before.slice(1, -1);
  // Index of the dragged point in the full route.
  const index = h.kind === "bend" ? h.index : h.index + 1;
  const prev = before[index - 1];
  const next = h.kind === "bend" ? before[index + 1] : before[index];
  const { p, onLine } = placePoint(raw, prev, next, grid, ALIGN_PX / zoom, STRAIGHT_PX / zoom);
  if (h.kind === "bend") inner[index - 1] = p;
  else inner.splice(index - 1, 0, p);
  const points = onLine ? [before[0], ...inner, before[before.length - 1]] : routeThrough(before, inner, source, target);
  return { points, index };
}

/**
 * The route to commit once the drag ends: the live route without the dragged point and its
 * neighbours when they lie on the straight line between their own neighbours (which draws the
 * same line, so the ends stay).
 */
export function finishedRoute(drag: RouteDrag, zoom: number): Point[] {
  const { points, index } = drag;
  const candidates = new Set([points[index - 1], points[index], points[index + 1]]);
  return withoutRedundant(points, candidates, STRAIGHT_PX / zoom);
}
