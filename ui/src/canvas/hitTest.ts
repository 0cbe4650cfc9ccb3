// Picking: which element is under a flow point, consistent with the draw order (what is drawn
// on top is found first). Tolerances are given in screen pixels and converted with the zoom,
// so thin lines stay easy to click when zoomed out.

import {
  distanceToPolyline,
  nearRectBorder,
  polylineMidpoint,
  rectContainsPoint,
  rectOf,
  shapeContains,
  SIDES,
  sidePoint,
  type Side,
} from "./geometry";
import { LAYER_CONTAINER, LAYER_GROUP, LAYER_NODE, LAYER_POOL, bpmnShapes, type ShapeSet } from "./shapes";
import type { Scene } from "./scene";
import type { TextLayout } from "./text";
import { EDGE_FONT, EDGE_LABEL_MAX_LINES, EDGE_LABEL_WIDTH, LINE_HEIGHT, THEME } from "./theme";
import type { CanvasNode, Point, Rect } from "./types";

export type HitKind = "node" | "edge" | "lane";
export type Hit = { kind: HitKind; id: string };

/** Pixels around a line or border that still count as on it. */
export const HIT_TOLERANCE_PX = 5;

/** The box of an edge's name (centred on the polyline's middle), or null. */
export function edgeLabelRect(points: readonly Point[], name: string, text: TextLayout): Rect | null {
  if (!name || points.length < 2) return null;
  const block = text.block(name, EDGE_FONT, EDGE_LABEL_WIDTH, EDGE_LABEL_MAX_LINES);
  if (block.lines.length === 0) return null;
  const c = polylineMidpoint(points);
  const h = block.lines.length * EDGE_FONT.size * LINE_HEIGHT;
  return { x: c.x - block.width / 2 - 4, y: c.y - h / 2 - 2, w: block.width + 8, h: h + 4 };
}

function headerRect(r: Rect): Rect {
  return { x: r.x, y: r.y, w: Math.min(THEME.laneHeaderWidth, r.w), h: r.h };
}

/**
 * The element at flow point `p`. Order: nodes (boundary events, then other nodes), edges,
 * expanded sub-processes (their whole body), groups (border and name), lane headers, pools
 * (header and border). The body of a lane or pool is empty canvas: dragging there pans.
 */
export function hitTest(scene: Scene, p: Point, zoom: number, text: TextLayout): Hit | null {
  const tol = HIT_TOLERANCE_PX / zoom;
  // Candidates from the index; descending draw order = top first.
  const ids = scene.nodeIndex.queryPoint(p, tol);
  for (let k = ids.length - 1; k >= 0 && scene.layers[ids[k]] >= LAYER_NODE; k--) {
    const n = scene.nodes[ids[k]];
    if (shapeContains(n, p, tol * 0.5)) return { kind: "node", id: n.id };
    const label = scene.shapes.outerLabelRect(n, text);
    if (label && rectContainsPoint(label, p)) return { kind: "node", id: n.id };
  }

  let bestEdge: string | null = null;
  let bestDist = Infinity;
  for (const i of scene.edgeIndex.queryPoint(p, tol)) {
    const g = scene.edges[i];
    const d = distanceToPolyline(p, g.points);
    if (d <= tol && d <= bestDist) {
      bestDist = d;
      bestEdge = g.edge.id;
    }
    const label = edgeLabelRect(g.points, g.edge.name, text);
    if (label && rectContainsPoint(label, p) && bestDist > 0) {
      bestDist = 0;
      bestEdge = g.edge.id;
    }
  }
  if (bestEdge) return { kind: "edge", id: bestEdge };

  for (let k = ids.length - 1; k >= 0; k--) {
    const layer = scene.layers[ids[k]];
    if (layer >= LAYER_NODE) continue;
    const n = scene.nodes[ids[k]];
    const box = rectOf(n);
    if (layer === LAYER_CONTAINER && rectContainsPoint(box, p)) return { kind: "node", id: n.id };
    if (layer === LAYER_GROUP && (nearRectBorder(box, p, tol) || inTopLabel(n, p))) return { kind: "node", id: n.id };
  }

  for (let i = scene.lanes.length - 1; i >= 0; i--) {
    const lane = scene.lanes[i];
    if (rectContainsPoint(headerRect(rectOf(lane)), p)) return { kind: "lane", id: lane.id };
  }

  for (let k = ids.length - 1; k >= 0; k--) {
    if (scene.layers[ids[k]] !== LAYER_POOL) continue;
    const n = scene.nodes[ids[k]];
    const box = rectOf(n);
    if (rectContainsPoint(headerRect(box), p) || nearRectBorder(box, p, tol)) return { kind: "node", id: n.id };
  }
  return null;
}

/** The strip along a group's top edge where its name is drawn. */
function inTopLabel(n: CanvasNode, p: Point): boolean {
  return rectContainsPoint({ x: n.x, y: n.y, w: n.w, h: 26 }, p);
}

/** Connection handles: the four side midpoints of a connectable node. */
export function handlePoints(n: CanvasNode, shapes: ShapeSet = bpmnShapes): { side: Side; p: Point }[] {
  if (!shapes.isConnectable(n)) return [];
  return SIDES.map((side) => ({ side, p: sidePoint(rectOf(n), side) }));
}

/** Handle radius in screen pixels (9 px circles, like the xyflow canvas), and the grab radius. */
export const HANDLE_RADIUS_PX = 4.5;
export const HANDLE_GRAB_PX = 8;

/** The handle of one of `nodes` under flow point `p`, if any. */
export function handleAt(
  nodes: readonly CanvasNode[],
  p: Point,
  zoom: number,
  shapes: ShapeSet = bpmnShapes,
): { node: CanvasNode; side: Side; p: Point } | null {
  const grab = HANDLE_GRAB_PX / zoom;
  let best: { node: CanvasNode; side: Side; p: Point } | null = null;
  let bestD = Infinity;
  for (const n of nodes) {
    for (const h of handlePoints(n, shapes)) {
      const d = Math.hypot(h.p.x - p.x, h.p.y - p.y);
      if (d <= grab && d < bestD) {
        bestD = d;
        best = { node: n, side: h.side, p: h.p };
      }
    }
  }
  return best;
}
