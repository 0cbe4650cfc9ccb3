// The flow model as the canvas renderer draws it (ui/src/canvas): one mapping, used by the
// canvas and by picture export, so a saved SVG or PNG shows what the canvas shows.

import type { CanvasEdge, CanvasLane, CanvasNode } from "../canvas";
import type { FlowEdge, FlowNode, Lane } from "../model";

/** Width of a pool's name strip; lanes start right of it. */
export const POOL_HEADER = 30;

export function toCanvasNode(n: FlowNode): CanvasNode {
  return {
    id: n.id,
    kind: n.kind,
    name: n.name,
    x: n.x,
    y: n.y,
    w: n.w,
    h: n.h,
    eventDefinition: n.eventDefinition,
    interrupting: n.interrupting ?? undefined,
    expanded: n.expanded ?? undefined,
    triggeredByEvent: n.triggeredByEvent ?? undefined,
  };
}

export function toCanvasEdge(e: FlowEdge, source: FlowNode | undefined): CanvasEdge {
  return {
    id: e.id,
    kind: e.kind === "dataInputAssociation" || e.kind === "dataOutputAssociation" ? "dataAssociation" : e.kind,
    source: e.source,
    target: e.target,
    name: e.name,
    waypoints: e.waypoints,
    isDefault: source?.defaultFlow === e.id,
    hasCondition: e.condition !== null && e.condition !== "",
  };
}

/**
 * A lane's rectangle: its own bounds when it has them, else across its pool, else across
 * everything on the canvas (lanes drawn in Triloop before pools existed).
 */
export function toCanvasLane(l: Lane, nodeById: ReadonlyMap<string, FlowNode>, extent: { minX: number; maxX: number }): CanvasLane {
  const pool = l.pool ? nodeById.get(l.pool) : undefined;
  let x: number;
  let w: number;
  if (l.x !== null && l.w !== null) {
    x = l.x;
    w = l.w;
  } else if (pool) {
    x = pool.x + POOL_HEADER;
    w = pool.w - POOL_HEADER;
  } else {
    x = extent.minX - 120;
    w = Math.max(extent.maxX - extent.minX + 240, 600);
  }
  return { id: l.id, name: l.name, x, y: l.y, w, h: l.h };
}

/** The horizontal extent of a set of nodes (0..0 when empty). */
export function extentOf(nodes: Iterable<FlowNode>): { minX: number; maxX: number } {
  let minX = Infinity;
  let maxX = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.x);
    maxX = Math.max(maxX, n.x + n.w);
  }
  return Number.isFinite(minX) ? { minX, maxX } : { minX: 0, maxX: 0 };
}

export function toCanvasFlow(nodes: readonly FlowNode[], edges: readonly FlowEdge[], lanes: readonly Lane[]) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const extent = extentOf(nodes);
  return {
    nodes: nodes.map(toCanvasNode),
    edges: edges.map((e) => toCanvasEdge(e, byId.get(e.source))),
    lanes: lanes.map((l) => toCanvasLane(l, byId, extent)),
  };
}
