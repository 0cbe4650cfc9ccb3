// Pure geometry in flow coordinates: rectangles, polylines, shape hit tests and edge routing.

import { isEvent, isGateway } from "./kinds";
import type { CanvasEdge, CanvasNode, Point, Rect } from "./types";

export function rectOf(n: { x: number; y: number; w: number; h: number }): Rect {
  return { x: n.x, y: n.y, w: n.w, h: n.h };
}

export function expandRect(r: Rect, d: number): Rect {
  return { x: r.x - d, y: r.y - d, w: r.w + 2 * d, h: r.h + 2 * d };
}

export function unionRect(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

export function rectsIntersect(a: Rect, b: Rect): boolean {
  return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
}

/** Whether `inner` lies completely inside `outer` (edges may touch). */
export function rectContainsRect(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.w <= outer.x + outer.w &&
    inner.y + inner.h <= outer.y + outer.h
  );
}

export function rectContainsPoint(r: Rect, p: Point): boolean {
  return p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h;
}

/** The rectangle spanned by two corner points, in any order (a rubber band). */
export function rectFromPoints(a: Point, b: Point): Rect {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
}

export function boundsOfPoints(points: readonly Point[]): Rect {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.x > maxX) maxX = p.x;
    if (p.y > maxY) maxY = p.y;
  }
  if (minX > maxX) return { x: 0, y: 0, w: 0, h: 0 };
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}

export function snap(v: number, grid = 10): number {
  return Math.round(v / grid) * grid;
}

// --- polylines ---

export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const x = a.x + t * dx - p.x;
  const y = a.y + t * dy - p.y;
  return Math.sqrt(x * x + y * y);
}

export function distanceToPolyline(p: Point, points: readonly Point[]): number {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const d = distanceToSegment(p, points[i - 1], points[i]);
    if (d < best) best = d;
  }
  return best;
}

/** The point halfway along the polyline's length (where an edge's name goes). */
export function polylineMidpoint(points: readonly Point[]): Point {
  if (points.length === 0) return { x: 0, y: 0 };
  let total = 0;
  for (let i = 1; i < points.length; i++) total += Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
  let rest = total / 2;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (rest <= len && len > 0) {
      const t = rest / len;
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
    }
    rest -= len;
  }
  return points[points.length - 1];
}

// --- shapes ---

/**
 * Whether a flow point hits the node's drawn shape (circle for events, diamond for gateways,
 * the box otherwise), with a tolerance in flow units.
 */
export function shapeContains(n: CanvasNode, p: Point, tol = 0): boolean {
  if (isEvent(n.kind)) {
    const r = Math.min(n.w, n.h) / 2;
    return Math.hypot(p.x - (n.x + n.w / 2), p.y - (n.y + n.h / 2)) <= r + tol;
  }
  if (isGateway(n.kind)) {
    const hw = n.w / 2 + tol;
    const hh = n.h / 2 + tol;
    return Math.abs(p.x - (n.x + n.w / 2)) / hw + Math.abs(p.y - (n.y + n.h / 2)) / hh <= 1;
  }
  return rectContainsPoint(expandRect(rectOf(n), tol), p);
}

/** Whether a point lies within `tol` of the rectangle's border line (for hollow shapes such as groups). */
export function nearRectBorder(r: Rect, p: Point, tol: number): boolean {
  return rectContainsPoint(expandRect(r, tol), p) && !rectContainsPoint(expandRect(r, -tol), p);
}

export type Side = "top" | "right" | "bottom" | "left";

export const SIDES: readonly Side[] = ["top", "right", "bottom", "left"];

export function sidePoint(r: Rect, side: Side): Point {
  switch (side) {
    case "left":
      return { x: r.x, y: r.y + r.h / 2 };
    case "right":
      return { x: r.x + r.w, y: r.y + r.h / 2 };
    case "top":
      return { x: r.x + r.w / 2, y: r.y };
    case "bottom":
      return { x: r.x + r.w / 2, y: r.y + r.h };
  }
}

// --- routing ---

/**
 * An orthogonal route between two shapes: it leaves the side of `source` that faces `target`
 * and enters the facing side of `target` (side midpoints lie on circles and diamonds too),
 * with one elbow pair halfway when the two midpoints are not aligned. Horizontal exits are
 * preferred because flows read left to right.
 */
export function routeEdge(source: CanvasNode, target: CanvasNode): Point[] {
  if (source.id === target.id) {
    // A loop: out of the right side, round the top-right corner, back in at the top.
    const r = sidePoint(source, "right");
    const t = sidePoint(source, "top");
    return [r, { x: r.x + 20, y: r.y }, { x: r.x + 20, y: t.y - 20 }, { x: t.x, y: t.y - 20 }, t];
  }
  const scx = source.x + source.w / 2;
  const scy = source.y + source.h / 2;
  const tcx = target.x + target.w / 2;
  const tcy = target.y + target.h / 2;
  const dx = tcx - scx;
  const dy = tcy - scy;
  const horizontalGap = Math.abs(dx) - (source.w + target.w) / 2;
  const verticalGap = Math.abs(dy) - (source.h + target.h) / 2;
  if (horizontalGap >= 0 || horizontalGap >= verticalGap) {
    const s = sidePoint(source, dx >= 0 ? "right" : "left");
    const t = sidePoint(target, dx >= 0 ? "left" : "right");
    if (Math.abs(s.y - t.y) < 0.5) return [s, { x: t.x, y: s.y }];
    const mx = (s.x + t.x) / 2;
    return [s, { x: mx, y: s.y }, { x: mx, y: t.y }, t];
  }
  const s = sidePoint(source, dy >= 0 ? "bottom" : "top");
  const t = sidePoint(target, dy >= 0 ? "top" : "bottom");
  if (Math.abs(s.x - t.x) < 0.5) return [s, { x: s.x, y: t.y }];
  const my = (s.y + t.y) / 2;
  return [s, { x: s.x, y: my }, { x: t.x, y: my }, t];
}

/**
 * Where a route coming from `toward` meets the outline of `n` (the box; the circle of an event;
 * the diamond of a gateway). Straight across when `toward` lies beside the shape (horizontally)
 * or above or below it (vertically), so that an orthogonal route stays orthogonal; otherwise on
 * the line towards the shape's centre, as BPMN modelers crop a connection to its shapes.
 */
export function borderPoint(n: CanvasNode, toward: Point): Point {
  const cx = n.x + n.w / 2;
  const cy = n.y + n.h / 2;
  const dx = toward.x - cx;
  const dy = toward.y - cy;
  const hw = n.w / 2;
  const hh = n.h / 2;
  if (hw <= 0 || hh <= 0) return { x: cx, y: cy };
  if (dx === 0 && dy === 0) return sidePoint(n, "right");
  const beside = Math.abs(dy) < hh && Math.abs(dx) > hw;
  const across = Math.abs(dx) < hw && Math.abs(dy) > hh;
  if (isEvent(n.kind)) {
    const r = Math.min(hw, hh);
    if (beside && Math.abs(dy) < r) return { x: cx + Math.sign(dx) * Math.sqrt(r * r - dy * dy), y: toward.y };
    if (across && Math.abs(dx) < r) return { x: toward.x, y: cy + Math.sign(dy) * Math.sqrt(r * r - dx * dx) };
    const len = Math.hypot(dx, dy);
    return { x: cx + (dx / len) * r, y: cy + (dy / len) * r };
  }
  if (isGateway(n.kind)) {
    if (beside) return { x: cx + Math.sign(dx) * hw * (1 - Math.abs(dy) / hh), y: toward.y };
    if (across) return { x: toward.x, y: cy + Math.sign(dy) * hh * (1 - Math.abs(dx) / hw) };
    const k = Math.abs(dx) / hw + Math.abs(dy) / hh;
    return { x: cx + dx / k, y: cy + dy / k };
  }
  if (beside) return { x: cx + Math.sign(dx) * hw, y: toward.y };
  if (across) return { x: toward.x, y: cy + Math.sign(dy) * hh };
  const k = Math.max(Math.abs(dx) / hw, Math.abs(dy) / hh);
  return { x: cx + dx / k, y: cy + dy / k };
}

/** How far (flow units) a stored end waypoint may lie outside its node's box and still count as attached. */
export const ATTACH_TOLERANCE = 6;

/** Whether a stored waypoint still meets the node (BPMN DI waypoints touch the shape's border, or lie just inside it for circles and diamonds). */
export function meetsNode(p: Point, n: CanvasNode): boolean {
  return rectContainsPoint(expandRect(rectOf(n), ATTACH_TOLERANCE), p);
}

/**
 * The polyline an edge is drawn along. Stored waypoints are used while both ends still meet
 * their nodes; once either node has moved away from them (a drag, a patch) the stored route is
 * stale and the edge is routed orthogonally instead. Null when it cannot be drawn at all.
 */
export function edgePoints(
  edge: CanvasEdge,
  source: CanvasNode | undefined,
  target: CanvasNode | undefined,
): Point[] | null {
  const wp = edge.waypoints;
  if (wp.length >= 2) {
    const first = wp[0];
    const last = wp[wp.length - 1];
    const fresh = (!source || meetsNode(first, source)) && (!target || meetsNode(last, target));
    if (fresh) return wp;
  }
  if (source && target) return routeEdge(source, target);
  return null;
}
