// Resizing a node by one of its corner handles, as in Camunda Modeler: which nodes can be
// resized, their minimum sizes, where the handles are, and the bounds a handle dragged by some
// amount gives (the dragged corner snapped to the grid, the opposite corner fixed, never below
// the minimum, never cutting through what a pool or expanded sub-process holds). Pure, in flow
// coordinates, so the interaction and its tests share it.

import { rectContainsRect, rectOf, snap } from "./geometry";
import { isActivity, isData, isExpandedSubProcess } from "./kinds";
import type { Scene } from "./scene";
import { THEME } from "./theme";
import type { CanvasNode, Point, Rect } from "./types";

export type Corner = "nw" | "ne" | "se" | "sw";
export const CORNERS: readonly Corner[] = ["nw", "ne", "se", "sw"];

/** Side of a resize handle (a square centred on the corner), in screen pixels. */
export const RESIZE_HANDLE_PX = 8;
/** How far from a corner (screen pixels, along each axis) its handle can be grabbed. */
export const RESIZE_GRAB_PX = 7;

/**
 * Nodes whose size is theirs to choose: activities (tasks, sub-processes, call activities),
 * pools, groups, text annotations and data. Events and gateways keep their BPMN sizes.
 */
export function isResizable(n: CanvasNode): boolean {
  return isActivity(n.kind) || isData(n.kind) || n.kind === "pool" || n.kind === "group" || n.kind === "textAnnotation";
}

/**
 * The smallest size a resize gives a node, in flow units:
 * - tasks, call activities and collapsed sub-processes 40 × 30, the smallest box that still shows
 *   the task-type icon (draw.ts draws it from 40 × 30 up) and the collapsed and ad-hoc markers;
 * - expanded sub-processes 140 × 120 and pools 300 × 150, Camunda Modeler's (bpmn-js) minima;
 *   a lane along the moved side of a pool keeps at least LANE_MIN_HEIGHT;
 * - text annotations 50 × 30 (bpmn-js's): a short line of text;
 * - groups 60 × 40: room for the name along the top;
 * - data objects 24 × 30 and data stores 30 × 30: the folded corner and the rims still read.
 * A node already smaller than that (an imported one) may keep its size but not shrink further.
 */
export function minSize(n: CanvasNode): { w: number; h: number } {
  if (n.kind === "pool") return { w: 300, h: 150 };
  if (isExpandedSubProcess(n)) return { w: 140, h: 120 };
  if (isActivity(n.kind)) return { w: 40, h: 30 };
  switch (n.kind) {
    case "textAnnotation":
      return { w: 50, h: 30 };
    case "group":
      return { w: 60, h: 40 };
    case "dataObjectReference":
      return { w: 24, h: 30 };
    case "dataStoreReference":
      return { w: 30, h: 30 };
    default:
      return { w: n.w, h: n.h };
  }
}

/** Lanes along the moved top or bottom side of a resized pool keep at least this height (bpmn-js's). */
export const LANE_MIN_HEIGHT = 60;
/** Free space kept between a resized container's border and what lies inside it. */
export const CONTAINER_PADDING = 10;

/**
 * What a resize of one node may do: its minimum size, and how far each side may move inwards
 * (the new left side lies at or left of `left`, and so on; ±Infinity: no limit but the size).
 */
export type ResizeLimits = {
  min: { w: number; h: number };
  left: number;
  top: number;
  right: number;
  bottom: number;
};

/**
 * The limits of resizing `n` in `scene`: its minimum size, and for a pool or an expanded
 * sub-process the nodes completely inside it (with CONTAINER_PADDING around them, and the
 * pool's header strip on their left) and, for a pool, the lanes along its sides. Nothing is
 * outside the node's current bounds, so grabbing a handle never makes the node jump.
 */
export function resizeLimits(scene: Scene, n: CanvasNode): ResizeLimits {
  const kind = scene.shapes.minSize(n);
  const limits: ResizeLimits = {
    min: { w: Math.min(kind.w, n.w), h: Math.min(kind.h, n.h) },
    left: Infinity,
    top: Infinity,
    right: -Infinity,
    bottom: -Infinity,
  };
  if (!scene.shapes.isContainer(n) || n.kind === "group") return limits;
  const box = rectOf(n);
  const header = n.kind === "pool" ? THEME.laneHeaderWidth : 0;
  for (const i of scene.nodeIndex.query(box)) {
    const inner = scene.nodes[i];
    if (inner.id === n.id || !rectContainsRect(box, rectOf(inner))) continue;
    limits.left = Math.min(limits.left, inner.x - CONTAINER_PADDING - header);
    limits.top = Math.min(limits.top, inner.y - CONTAINER_PADDING);
    limits.right = Math.max(limits.right, inner.x + inner.w + CONTAINER_PADDING);
    limits.bottom = Math.max(limits.bottom, inner.y + inner.h + CONTAINER_PADDING);
  }
  if (n.kind === "pool") {
    for (const lane of scene.lanes) {
      if (!rectContainsRect(box, rectOf(lane))) continue;
      const atTop = Math.abs(lane.y - n.y) <= 1;
      const atBottom = Math.abs(lane.y + lane.h - (n.y + n.h)) <= 1;
      // A lane spanning the whole pool changes with it; the pool's minimum covers it.
      if (atTop && !atBottom) limits.top = Math.min(limits.top, lane.y + lane.h - LANE_MIN_HEIGHT);
      if (atBottom && !atTop) limits.bottom = Math.max(limits.bottom, lane.y + LANE_MIN_HEIGHT);
    }
  }
  limits.left = Math.max(limits.left, n.x);
  limits.top = Math.max(limits.top, n.y);
  limits.right = Math.min(limits.right, n.x + n.w);
  limits.bottom = Math.min(limits.bottom, n.y + n.h);
  return limits;
}

/**
 * The bounds after dragging `corner` of `from` by `d` (flow units): the opposite corner stays
 * where it was, then the limits hold. Each side the corner moves snaps to `grid`, but only once
 * it has been dragged half a grid step: making a 120 × 72 task wider must not round its height.
 */
export function resizedRect(from: Rect, corner: Corner, d: Point, limits: ResizeLimits, grid: number): Rect {
  const moved = (v: number, dv: number) => (Math.abs(dv) < grid / 2 ? v : snap(v + dv, grid));
  let left = from.x;
  let top = from.y;
  let right = from.x + from.w;
  let bottom = from.y + from.h;
  if (corner === "nw" || corner === "sw") left = Math.min(moved(left, d.x), right - limits.min.w, limits.left);
  else right = Math.max(moved(right, d.x), left + limits.min.w, limits.right);
  if (corner === "nw" || corner === "ne") top = Math.min(moved(top, d.y), bottom - limits.min.h, limits.top);
  else bottom = Math.max(moved(bottom, d.y), top + limits.min.h, limits.bottom);
  return { x: left, y: top, w: right - left, h: bottom - top };
}

export function cornerPoint(r: Rect, corner: Corner): Point {
  return {
    x: corner === "nw" || corner === "sw" ? r.x : r.x + r.w,
    y: corner === "nw" || corner === "ne" ? r.y : r.y + r.h,
  };
}

/** The corner of `r` whose handle is under flow point `p`, if any. */
export function resizeHandleAt(r: Rect, p: Point, zoom: number): Corner | null {
  const grab = RESIZE_GRAB_PX / zoom;
  for (const corner of CORNERS) {
    const c = cornerPoint(r, corner);
    if (Math.abs(p.x - c.x) <= grab && Math.abs(p.y - c.y) <= grab) return corner;
  }
  return null;
}

/** The CSS cursor over a corner's handle. */
export function resizeCursor(corner: Corner): string {
  return corner === "nw" || corner === "se" ? "nwse-resize" : "nesw-resize";
}

export function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}
