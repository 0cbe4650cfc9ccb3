// The scene: the input arranged for drawing and picking. Nodes are sorted into draw order
// (layers back to front), edges get their polylines (stored waypoints or a fresh orthogonal
// route), and both go into spatial indexes keyed by draw position, so a viewport query
// returns exactly what to draw, already in order.
//
// A scene is immutable and rebuilt when the input changes (O(n); about the cost of one
// xyflow re-render at 10,000 elements, and only on edits, never during pan or zoom).

import { drawLane } from "./draw";
import type { DrawContext } from "./drawContext";
import type { EdgeGeometry } from "./edges";
import { boundsOfPoints, edgePoints, expandRect, polylineMidpoint, rectContainsRect, rectOf, rectsIntersect, unionRect } from "./geometry";
import type { Lod } from "./lod";
import { LAYER_CONTAINER, LAYER_NODE, SHAPE_MARGIN, bpmnShapes, type ShapeSet } from "./shapes";
import { SpatialIndex } from "./spatialIndex";
import type { TextLayout } from "./text";
import { EDGE_LABEL_WIDTH } from "./theme";
import type { CanvasEdge, CanvasLane, CanvasNode, Point, ProblemSeverity, Rect } from "./types";

export type Scene = {
  /** Nodes in draw order (back to front); indexes into this array are the node index's ids. */
  readonly nodes: readonly CanvasNode[];
  readonly layers: readonly number[];
  readonly nodeById: ReadonlyMap<string, CanvasNode>;
  readonly nodeOrder: ReadonlyMap<string, number>;
  readonly nodeIndex: SpatialIndex;
  /** Drawable edges in input order; indexes are the edge index's ids. */
  readonly edges: readonly EdgeGeometry[];
  readonly edgeById: ReadonlyMap<string, EdgeGeometry>;
  readonly edgeIndex: SpatialIndex;
  /** Edges touching each node id. */
  readonly edgesByNode: ReadonlyMap<string, readonly EdgeGeometry[]>;
  readonly lanes: readonly CanvasLane[];
  readonly laneById: ReadonlyMap<string, CanvasLane>;
  /** Everything drawn, or null for an empty flow. */
  readonly bounds: Rect | null;
  /** How the scene's kinds look and behave. */
  readonly shapes: ShapeSet;
};

/** The area an edge's drawing may cover: its polyline, markers and name. */
export function edgeVisualBounds(g: EdgeGeometry): Rect {
  let r = expandRect(boundsOfPoints(g.points), SHAPE_MARGIN);
  if (g.edge.name) {
    const c = polylineMidpoint(g.points);
    r = unionRect(r, { x: c.x - EDGE_LABEL_WIDTH / 2 - 6, y: c.y - 30, w: EDGE_LABEL_WIDTH + 12, h: 60 });
  }
  return r;
}

function isFiniteNode(n: CanvasNode): boolean {
  return Number.isFinite(n.x) && Number.isFinite(n.y) && Number.isFinite(n.w) && Number.isFinite(n.h);
}

/**
 * Builds a scene. `moved` overrides node positions, or bounds (a drag or resize that the parent
 * has not confirmed yet); edges of moved nodes are re-routed by the stale-waypoint rule in edgePoints.
 */
export function buildScene(
  nodesIn: readonly CanvasNode[],
  edgesIn: readonly CanvasEdge[],
  lanes: readonly CanvasLane[],
  moved?: ReadonlyMap<string, Point | Rect>,
  shapes: ShapeSet = bpmnShapes,
): Scene {
  const placed = nodesIn.filter(isFiniteNode).map((n) => {
    const p = moved?.get(n.id);
    return p ? { ...n, ...p } : n;
  });
  // Stable sort by layer; inside the container layer, bigger first so nested sub-processes stay visible.
  const keyed = placed.map((n, i) => ({ n, i, layer: shapes.layerOf(n), area: n.w * n.h }));
  keyed.sort((a, b) => {
    if (a.layer !== b.layer) return a.layer - b.layer;
    if (a.layer === LAYER_CONTAINER && a.area !== b.area) return b.area - a.area;
    return a.i - b.i;
  });
  const nodes = keyed.map((k) => k.n);
  const layers = keyed.map((k) => k.layer);
  const nodeById = new Map<string, CanvasNode>();
  const nodeOrder = new Map<string, number>();
  const nodeIndex = new SpatialIndex();
  let bounds: Rect | null = null;
  nodes.forEach((n, i) => {
    nodeById.set(n.id, n);
    nodeOrder.set(n.id, i);
    const vb = shapes.visualBounds(n);
    nodeIndex.insert(i, vb);
    bounds = bounds ? unionRect(bounds, vb) : vb;
  });

  const edges: EdgeGeometry[] = [];
  const edgeById = new Map<string, EdgeGeometry>();
  const edgeIndex = new SpatialIndex();
  const edgesByNode = new Map<string, EdgeGeometry[]>();
  const attach = (id: string, g: EdgeGeometry) => {
    const list = edgesByNode.get(id);
    if (list) list.push(g);
    else edgesByNode.set(id, [g]);
  };
  for (const edge of edgesIn) {
    const points = edgePoints(edge, nodeById.get(edge.source), nodeById.get(edge.target));
    if (!points || points.length < 2 || !points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))) continue;
    const g: EdgeGeometry = { edge, points };
    const vb = edgeVisualBounds(g);
    edgeIndex.insert(edges.length, vb);
    edges.push(g);
    edgeById.set(edge.id, g);
    attach(edge.source, g);
    if (edge.target !== edge.source) attach(edge.target, g);
    bounds = bounds ? unionRect(bounds, vb) : vb;
  }

  const laneById = new Map<string, CanvasLane>();
  for (const lane of lanes) {
    laneById.set(lane.id, lane);
    const r = rectOf(lane);
    bounds = bounds ? unionRect(bounds, r) : r;
  }

  return { nodes, layers, nodeById, nodeOrder, nodeIndex, edges, edgeById, edgeIndex, edgesByNode, lanes, laneById, bounds, shapes };
}

/**
 * The nodes that move with `ids` when they are dragged: the nodes themselves and everything
 * lying completely inside a dragged pool, group or expanded sub-process.
 */
export function nodesMovingWith(scene: Scene, ids: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    const n = scene.nodeById.get(id);
    if (!n) continue;
    out.add(id);
    if (!scene.shapes.isContainer(n)) continue;
    const box = rectOf(n);
    for (const i of scene.nodeIndex.query(box)) {
      const inner = scene.nodes[i];
      if (inner.id !== id && rectContainsRect(box, rectOf(inner))) out.add(inner.id);
    }
  }
  return [...out];
}

/** Ids of the nodes lying completely inside `r` (rubber-band selection). */
export function nodesInside(scene: Scene, r: Rect): string[] {
  const out: string[] = [];
  for (const i of scene.nodeIndex.query(r)) {
    const n = scene.nodes[i];
    if (rectContainsRect(r, rectOf(n))) out.push(n.id);
  }
  return out;
}

export type SceneDrawOptions = {
  /** The flow area to draw (everything outside is culled). */
  area: Rect;
  lod: Lod;
  text: TextLayout;
  problems?: ReadonlyMap<string, ProblemSeverity>;
  /** Node and edge ids left out (being dragged: they are drawn live on top). */
  hidden?: ReadonlySet<string>;
  /**
   * Called around each element when set; elements are then drawn one by one instead of in
   * batches (the SVG export wraps each in a <g> carrying its id).
   */
  wrap?: ElementWrapper;
};

export type ElementWrapper = {
  begin(kind: "node" | "edge" | "lane", id: string, element: CanvasNode | CanvasEdge | CanvasLane): void;
  end(): void;
};

/** Draws the scene in the order pools and lanes, groups, expanded sub-processes, edges, other nodes. */
export function drawScene(ctx: DrawContext, scene: Scene, opts: SceneDrawOptions): void {
  const { area, lod, text, problems, hidden, wrap } = opts;
  const shapes = scene.shapes;
  const single = (n: CanvasNode) => {
    if (hidden?.has(n.id)) return;
    wrap?.begin("node", n.id, n);
    shapes.drawNode(ctx, n, problems?.get(n.id), lod, text);
    wrap?.end();
  };
  const ids = scene.nodeIndex.query(area);
  let k = 0;
  // Pools first (layer 0), then lanes over them, then groups and expanded sub-processes.
  while (k < ids.length && scene.layers[ids[k]] === 0) single(scene.nodes[ids[k++]]);
  scene.lanes.forEach((lane, i) => {
    if (!rectsIntersect(rectOf(lane), area)) return;
    wrap?.begin("lane", lane.id, lane);
    drawLane(ctx, lane, i, lod, text);
    wrap?.end();
  });
  while (k < ids.length && scene.layers[ids[k]] < LAYER_NODE) single(scene.nodes[ids[k++]]);

  const edges: EdgeGeometry[] = [];
  for (const i of scene.edgeIndex.query(area)) {
    const g = scene.edges[i];
    if (!hidden?.has(g.edge.id)) edges.push(g);
  }
  if (wrap) {
    for (const g of edges) {
      wrap.begin("edge", g.edge.id, g.edge);
      shapes.drawEdges(ctx, [g], problems, lod);
      if (lod.edgeLabels) shapes.drawEdgeLabels(ctx, [g], text);
      wrap.end();
    }
    for (; k < ids.length; k++) single(scene.nodes[ids[k]]);
    return;
  }
  shapes.drawEdges(ctx, edges, problems, lod);
  if (lod.edgeLabels) shapes.drawEdgeLabels(ctx, edges, text);

  // The remaining layers (activities, events, gateways, data, then boundary events), batched:
  // bodies of a style share one path, then decorations, then all names with one font change.
  const rest: CanvasNode[] = [];
  let layerStart = 0;
  let layer = -1;
  const flushLayer = () => {
    const group = rest.slice(layerStart);
    if (group.length === 0) return;
    shapes.drawNodes(ctx, group, problems, lod);
    layerStart = rest.length;
  };
  for (; k < ids.length; k++) {
    const n = scene.nodes[ids[k]];
    if (hidden?.has(n.id)) continue;
    if (scene.layers[ids[k]] !== layer) {
      flushLayer();
      layer = scene.layers[ids[k]];
    }
    rest.push(n);
  }
  flushLayer();
  if (lod.labels) shapes.drawLabels(ctx, rest, text);
}
