// A shape set: what a document kind brings to the one canvas engine. The engine (scene, spatial
// index, culling, level of detail, bitmap cache, gestures, selection, SVG/PNG export) knows
// nodes only as boxes with a kind; everything that depends on the kind — how a node is drawn,
// which layer it is on, whether it holds other nodes, can be connected or resized, where its
// name and problem badge go, how edges look — is asked of the scene's shape set.
//
// `bpmnShapes` is the business flow's set (BPMN 2.0 notation). A kind adds its own set next to
// its editor (the domain model's is `domain/domainShapes.ts`) and passes it to `FlowCanvas`.

import type { DrawContext } from "./drawContext";
import { drawBodies, drawDecorations, drawLabels, drawNode, labelKind, traceBody } from "./draw";
import { drawEdgeLabels, drawEdges, traceEdgeLine, type EdgeGeometry } from "./edges";
import { expandRect, rectOf, unionRect } from "./geometry";
import { LAYER_CONTAINER, LAYER_GROUP, LAYER_NODE, LAYER_POOL, isConnectable, isContainer, isEvent, isGateway, layerOf } from "./kinds";
import type { Lod } from "./lod";
import { isResizable, minSize } from "./resize";
import type { TextLayout } from "./text";
import { OUTER_FONT, OUTER_LABEL_MAX_LINES, OUTER_LABEL_WIDTH, LINE_HEIGHT } from "./theme";
import type { CanvasEdge, CanvasNode, Point, ProblemSeverity, Rect } from "./types";

export { LAYER_CONTAINER, LAYER_GROUP, LAYER_NODE, LAYER_POOL };

export interface ShapeSet {
  /**
   * The node's drawing layer, back to front. The engine treats the layers below LAYER_NODE as
   * areas: LAYER_POOL (picked at its header strip and border, drawn first, lanes over it),
   * LAYER_GROUP (picked at its border and top strip), LAYER_CONTAINER (picked on its whole
   * body, drawn under the edges). Edges are drawn between LAYER_CONTAINER and LAYER_NODE.
   */
  layerOf(n: CanvasNode): number;
  /** Moving it moves the nodes lying inside it; it cannot be resized smaller than they need. */
  isContainer(n: CanvasNode): boolean;
  /** It gets connection handles and can be an edge's end. */
  isConnectable(n: CanvasNode): boolean;
  /** It gets resize handles when it is the one selected node. */
  isResizable(n: CanvasNode): boolean;
  /** The smallest size a resize gives it (flow units). */
  minSize(n: CanvasNode): { w: number; h: number };
  /** The area its drawing may cover (its box, names outside it, badge, halo). */
  visualBounds(n: CanvasNode): Rect;
  /** A name drawn outside the body that picks the node too, or null. */
  outerLabelRect(n: CanvasNode, text: TextLayout): Rect | null;
  /** One node completely; `lod` says what to leave out at this zoom. */
  drawNode(ctx: DrawContext, n: CanvasNode, problem: ProblemSeverity | undefined, lod: Lod, text: TextLayout): void;
  /**
   * A run of nodes of one layer at LAYER_NODE or above without their names, batched where the
   * set can (many thousands at low zoom); the names of all of them follow in one `drawLabels`.
   */
  drawNodes(ctx: DrawContext, nodes: readonly CanvasNode[], problems: ReadonlyMap<string, ProblemSeverity> | undefined, lod: Lod): void;
  drawLabels(ctx: DrawContext, nodes: readonly CanvasNode[], text: TextLayout): void;
  /** The path the selection outline follows (begun by the caller). */
  traceOutline(ctx: DrawContext, n: CanvasNode): void;
  /** Where the node's problem badge sits. */
  badgeCenter(n: CanvasNode): Point;
  drawEdges(ctx: DrawContext, edges: readonly EdgeGeometry[], problems: ReadonlyMap<string, ProblemSeverity> | undefined, lod: Lod): void;
  drawEdgeLabels(ctx: DrawContext, edges: readonly EdgeGeometry[], text: TextLayout): void;
  /** The path an edge's selection outline follows (begun by the caller). */
  traceEdge(ctx: DrawContext, edge: CanvasEdge, points: readonly Point[]): void;
  /**
   * Optional: alignment guides while dragging. Nodes with the same non-null group align with
   * each other (edges and centres snap together, a guide line shows); without it, or for a
   * null group, a drag snaps to the grid only.
   */
  alignGroup?(n: CanvasNode): string | null;
}

/** Margin around shapes in the index: strokes, problem badges and selection halos reach past the box. */
export const SHAPE_MARGIN = 12;
/** Height reserved below events, gateways and data for their names (four lines). */
const OUTER_LABEL_HEIGHT = 4 + 4 * 17;

function bpmnOuterLabelRect(n: CanvasNode, text: TextLayout): Rect | null {
  if (!n.name || labelKind(n) !== "outer") return null;
  const block = text.block(n.name, OUTER_FONT, OUTER_LABEL_WIDTH, OUTER_LABEL_MAX_LINES);
  if (block.lines.length === 0) return null;
  const h = block.lines.length * OUTER_FONT.size * LINE_HEIGHT;
  return { x: n.x + n.w / 2 - block.width / 2, y: n.y + n.h + 4, w: block.width, h };
}

/** The business flow's shapes: BPMN 2.0's notation. */
export const bpmnShapes: ShapeSet = {
  layerOf,
  isContainer,
  isConnectable,
  isResizable,
  minSize,
  visualBounds(n) {
    let r = expandRect(rectOf(n), SHAPE_MARGIN);
    if (labelKind(n) === "outer" && n.name) {
      const cx = n.x + n.w / 2;
      r = unionRect(r, { x: cx - OUTER_LABEL_WIDTH / 2, y: n.y + n.h, w: OUTER_LABEL_WIDTH, h: OUTER_LABEL_HEIGHT });
    }
    return r;
  },
  outerLabelRect: bpmnOuterLabelRect,
  drawNode,
  drawNodes(ctx, nodes, problems, lod) {
    drawBodies(ctx, nodes, problems, lod);
    if (lod.markers) for (const n of nodes) drawDecorations(ctx, n);
  },
  drawLabels,
  traceOutline(ctx, n) {
    if (n.kind === "textAnnotation") ctx.rect(n.x, n.y, n.w, n.h);
    else traceBody(ctx, n, true);
  },
  badgeCenter(n) {
    if (isEvent(n.kind) || isGateway(n.kind)) return { x: n.x + n.w * 0.85, y: n.y + n.h * 0.15 };
    return { x: n.x + n.w, y: n.y };
  },
  drawEdges,
  drawEdgeLabels,
  traceEdge(ctx, edge, points) {
    traceEdgeLine(ctx, edge, points, false);
  },
};
