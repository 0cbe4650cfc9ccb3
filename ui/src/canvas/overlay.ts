// What is drawn over the cached scene on every frame: selection outlines, problem badges,
// connection, resize and route handles, the connection being drawn and the rubber band. All cheap (a
// handful of elements), sized in screen pixels (divided by the zoom) so they read the same at
// any zoom.

import type { DrawContext } from "./drawContext";
import { HANDLE_RADIUS_PX, handlePoints } from "./hitTest";
import { CORNERS, RESIZE_HANDLE_PX, cornerPoint, type Corner } from "./resize";
import type { ShapeSet } from "./shapes";
import { BEND_HANDLE_PX, MID_HANDLE_PX, sameHandle, segmentMiddles, type RouteHandle } from "./route";
import { fontString } from "./text";
import { BADGE_FONT, THEME } from "./theme";
import type { CanvasEdge, CanvasLane, CanvasNode, Point, ProblemSeverity, Rect } from "./types";

const NO_DASH: number[] = [];

/** A blue outline (with a soft halo) around a selected node. */
export function drawNodeSelection(ctx: DrawContext, shapes: ShapeSet, n: CanvasNode, zoom: number, color: string = THEME.selection): void {
  ctx.beginPath();
  shapes.traceOutline(ctx, n);
  ctx.setLineDash(NO_DASH);
  ctx.lineJoin = "round";
  ctx.strokeStyle = THEME.selectionHalo;
  ctx.lineWidth = 6 / zoom;
  ctx.stroke();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2 / zoom;
  ctx.stroke();
  ctx.lineJoin = "miter";
}

export function drawEdgeSelection(ctx: DrawContext, shapes: ShapeSet, edge: CanvasEdge, points: readonly Point[], zoom: number): void {
  ctx.beginPath();
  shapes.traceEdge(ctx, edge, points);
  ctx.setLineDash(NO_DASH);
  ctx.lineJoin = "round";
  ctx.lineCap = "round";
  ctx.strokeStyle = THEME.selectionHalo;
  ctx.lineWidth = 6 / zoom;
  ctx.stroke();
  ctx.strokeStyle = THEME.selection;
  ctx.lineWidth = Math.max(2, 2 / zoom);
  ctx.stroke();
  ctx.lineJoin = "miter";
  ctx.lineCap = "butt";
}

export function drawLaneSelection(ctx: DrawContext, lane: CanvasLane, zoom: number): void {
  ctx.beginPath();
  ctx.rect(lane.x, lane.y, lane.w, lane.h);
  ctx.setLineDash(NO_DASH);
  ctx.strokeStyle = THEME.selection;
  ctx.lineWidth = 2 / zoom;
  ctx.stroke();
}

/** A round badge in the severity's colour with "!" (8.5 px radius on screen at zoom 1, never below 5 px). */
export function drawProblemBadge(ctx: DrawContext, shapes: ShapeSet, n: CanvasNode, severity: ProblemSeverity, zoom: number): void {
  const c = shapes.badgeCenter(n);
  const r = Math.max(8.5, 5 / zoom);
  ctx.beginPath();
  ctx.moveTo(c.x + r, c.y);
  ctx.arc(c.x, c.y, r, 0, Math.PI * 2);
  ctx.closePath();
  ctx.fillStyle = severity === "error" ? THEME.error : THEME.warning;
  ctx.fill();
  ctx.strokeStyle = "#ffffff";
  ctx.lineWidth = 1.5 * (r / 8.5);
  ctx.setLineDash(NO_DASH);
  ctx.stroke();
  if (r * zoom < 6) return;
  ctx.save();
  ctx.translate(c.x, c.y);
  ctx.scale(r / 8.5, r / 8.5);
  ctx.font = fontString(BADGE_FONT);
  ctx.fillStyle = "#ffffff";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText("!", 0, 0.5);
  ctx.restore();
}

/** The four connection handles of a node; `active` (the one under the pointer) is filled. */
export function drawHandles(ctx: DrawContext, shapes: ShapeSet, n: CanvasNode, zoom: number, active: Point | null): void {
  const r = HANDLE_RADIUS_PX / zoom;
  ctx.setLineDash(NO_DASH);
  for (const h of handlePoints(n, shapes)) {
    ctx.beginPath();
    ctx.moveTo(h.p.x + r, h.p.y);
    ctx.arc(h.p.x, h.p.y, r, 0, Math.PI * 2);
    ctx.closePath();
    const on = active !== null && active.x === h.p.x && active.y === h.p.y;
    ctx.fillStyle = on ? THEME.handleStroke : THEME.handleFill;
    ctx.fill();
    ctx.strokeStyle = THEME.handleStroke;
    ctx.lineWidth = 1.5 / zoom;
    ctx.stroke();
  }
}

/**
 * The four resize handles at the corners of `r`: squares in the selection colour; `active` (the
 * one under the pointer or being dragged) is drawn hollow.
 */
export function drawResizeHandles(ctx: DrawContext, r: Rect, zoom: number, active: Corner | null): void {
  const s = RESIZE_HANDLE_PX / zoom;
  ctx.setLineDash(NO_DASH);
  for (const corner of CORNERS) {
    const c = cornerPoint(r, corner);
    ctx.beginPath();
    ctx.rect(c.x - s / 2, c.y - s / 2, s, s);
    const on = corner === active;
    ctx.fillStyle = on ? THEME.handleFill : THEME.selection;
    ctx.fill();
    ctx.strokeStyle = on ? THEME.selection : THEME.handleFill;
    ctx.lineWidth = (on ? 1.5 : 1) / zoom;
    ctx.stroke();
  }
}

/**
 * The route handles of the selected edge: a dot in the selection colour on each bend point and,
 * when `middles`, a smaller hollow one on the middle of each segment long enough; `active` (the
 * one under the pointer or being dragged) is drawn the other way round.
 */
export function drawRouteHandles(ctx: DrawContext, points: readonly Point[], zoom: number, active: RouteHandle | null, middles: boolean): void {
  ctx.setLineDash(NO_DASH);
  const dot = (p: Point, r: number, filled: boolean) => {
    ctx.beginPath();
    ctx.moveTo(p.x + r, p.y);
    ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
    ctx.closePath();
    ctx.fillStyle = filled ? THEME.selection : THEME.handleFill;
    ctx.fill();
    ctx.strokeStyle = filled ? THEME.handleFill : THEME.selection;
    ctx.lineWidth = (filled ? 1 : 1.5) / zoom;
    ctx.stroke();
  };
  if (middles) {
    for (const m of segmentMiddles(points, zoom)) dot(m.p, MID_HANDLE_PX / zoom, sameHandle(active, { kind: "mid", index: m.index }));
  }
  for (let i = 1; i + 1 < points.length; i++) dot(points[i], BEND_HANDLE_PX / zoom, !sameHandle(active, { kind: "bend", index: i }));
}

/** The dashed line from a handle to the pointer (or to the target's facing side) while connecting. */
export function drawConnectionPreview(ctx: DrawContext, from: Point, to: Point, zoom: number): void {
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.strokeStyle = THEME.connectPreview;
  ctx.lineWidth = 1.5 / zoom;
  ctx.setLineDash([6 / zoom, 4 / zoom]);
  ctx.stroke();
  ctx.setLineDash(NO_DASH);
}

export function drawRubberBand(ctx: DrawContext, r: Rect, zoom: number): void {
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.fillStyle = THEME.rubberFill;
  ctx.fill();
  ctx.strokeStyle = THEME.rubberStroke;
  ctx.lineWidth = 1 / zoom;
  ctx.setLineDash(NO_DASH);
  ctx.stroke();
}

/** Alignment guides while dragging: thin magenta lines through the aligned edges or centres. */
export function drawGuides(ctx: DrawContext, guides: readonly { axis: "x" | "y"; at: number; from: number; to: number }[], zoom: number): void {
  ctx.beginPath();
  for (const g of guides) {
    if (g.axis === "x") {
      ctx.moveTo(g.at, g.from - 8 / zoom);
      ctx.lineTo(g.at, g.to + 8 / zoom);
    } else {
      ctx.moveTo(g.from - 8 / zoom, g.at);
      ctx.lineTo(g.to + 8 / zoom, g.at);
    }
  }
  ctx.strokeStyle = "#e0338a";
  ctx.lineWidth = 1 / zoom;
  ctx.setLineDash(NO_DASH);
  ctx.stroke();
}
