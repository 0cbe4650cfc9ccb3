// Pointer gestures on the canvas, independent of the DOM and of drawing so they can be unit
// tested: click/shift-click selection, dragging selected nodes (with what is inside moved
// containers), resizing the selected node by a corner handle, editing the route of the selected
// edge by its bend and segment handles, panning, rubber-band selection and drawing a connection
// from a handle.
//
// Coordinates in PointerInput are screen coordinates relative to the canvas element (CSS px).
// The host owns the state that is not the gesture's: viewport, selection, scene, callbacks.

import type { EdgeGeometry } from "./edges";
import { rectFromPoints, rectOf, routeEdge, snap, type Side } from "./geometry";
import { handleAt, hitTest, type Hit } from "./hitTest";
import { resizeCursor, resizedRect, resizeHandleAt, resizeLimits, sameRect, type Corner, type ResizeLimits } from "./resize";
import { draggedRoute, finishedRoute, handlePoint, routeHandleAt, sameHandle, sameRoute, type RouteDrag, type RouteHandle } from "./route";
import { nodesInside, nodesMovingWith, type Scene } from "./scene";
import type { TextLayout } from "./text";
import type { CanvasNode, Point, Rect, Viewport } from "./types";
import { screenToFlow } from "./viewport";

/** Pointer travel (CSS px) before a press becomes a drag. */
export const DRAG_THRESHOLD = 3;
/** Node moves, resizes and route points snap to this grid (flow units). */
export const GRID = 10;
/** How near (screen pixels) an edge or centre must come to another's to snap to it. */
const ALIGN_PX = 6;

/** An alignment guide drawn while dragging: a line at x (vertical) or y (horizontal). */
export type Guide = { axis: "x" | "y"; at: number; from: number; to: number };

/**
 * Snaps a dragged box's edges and centre to those of the other nodes of its align group (within
 * `tol` flow units), one axis at a time. Returns the adjusted delta and the guides to draw.
 */
export function alignDrag(scene: Scene, grabbed: CanvasNode, moving: ReadonlySet<string>, delta: Point, tol: number): { delta: Point; guides: Guide[] } {
  const group = scene.shapes.alignGroup?.(grabbed) ?? null;
  if (group === null) return { delta, guides: [] };
  const box = { x: grabbed.x + delta.x, y: grabbed.y + delta.y, w: grabbed.w, h: grabbed.h };
  const near = scene.nodeIndex.query({ x: box.x - 600, y: box.y - 600, w: box.w + 1200, h: box.h + 1200 });
  let bestX: { d: number; at: number; other: CanvasNode } | null = null;
  let bestY: { d: number; at: number; other: CanvasNode } | null = null;
  const xs = [box.x, box.x + box.w / 2, box.x + box.w];
  const ys = [box.y, box.y + box.h / 2, box.y + box.h];
  for (const i of near) {
    const o = scene.nodes[i];
    if (!o || moving.has(o.id) || scene.shapes.alignGroup?.(o) !== group) continue;
    for (const ox of [o.x, o.x + o.w / 2, o.x + o.w]) {
      for (const x of xs) {
        const d = ox - x;
        if (Math.abs(d) <= tol && (!bestX || Math.abs(d) < Math.abs(bestX.d))) bestX = { d, at: ox, other: o };
      }
    }
    for (const oy of [o.y, o.y + o.h / 2, o.y + o.h]) {
      for (const y of ys) {
        const d = oy - y;
        if (Math.abs(d) <= tol && (!bestY || Math.abs(d) < Math.abs(bestY.d))) bestY = { d, at: oy, other: o };
      }
    }
  }
  const out = { x: delta.x + (bestX?.d ?? 0), y: delta.y + (bestY?.d ?? 0) };
  const moved = { x: grabbed.x + out.x, y: grabbed.y + out.y, w: grabbed.w, h: grabbed.h };
  const guides: Guide[] = [];
  if (bestX) guides.push({ axis: "x", at: bestX.at, from: Math.min(moved.y, bestX.other.y), to: Math.max(moved.y + moved.h, bestX.other.y + bestX.other.h) });
  if (bestY) guides.push({ axis: "y", at: bestY.at, from: Math.min(moved.x, bestY.other.x), to: Math.max(moved.x + moved.w, bestY.other.x + bestY.other.w) });
  return { delta: out, guides };
}
/** With more nodes selected than this, handles are only shown on the hovered node. */
const MAX_HANDLE_NODES = 50;
/** Handles (connection and resize) are shown only on nodes at least this big on screen; on smaller ones they would cover the node. */
const MIN_HANDLE_NODE_PX = 16;

export type PointerInput = {
  x: number;
  y: number;
  button: number;
  shift: boolean;
  ctrl: boolean;
  meta: boolean;
};

export type NodeMove = { id: string; x: number; y: number };

export interface InteractionHost {
  scene(): Scene;
  viewport(): Viewport;
  setViewport(v: Viewport): void;
  selection(): ReadonlySet<string>;
  readOnly(): boolean;
  text(): TextLayout;
  select(ids: string[]): void;
  moveNodes(moves: NodeMove[]): void;
  /** Whether nodes can be resized here (someone takes the resizes); read-only canvases never resize. */
  canResize(): boolean;
  /** A resize ended: the node's new bounds. */
  resizeNode(id: string, bounds: Rect): void;
  /** Whether edge routes can be edited here (someone takes them); read-only canvases never edit them. */
  canRoute(): boolean;
  /** A route edit ended: the edge's whole new route, ends on the borders of source and target. */
  routeEdge(id: string, points: Point[]): void;
  connect(source: string, target: string): void;
  /**
   * Something drawn changed (hover, preview, band): redraw on the next frame. "drag" means only
   * the dragged nodes moved, so only the area around them needs redrawing.
   */
  changed(what?: "drag"): void;
}

export type Gesture =
  | { type: "idle" }
  | { type: "pressNode"; id: string; start: Point; dragIds: string[]; toggleOffOnClick: boolean; selectOnlyOnClick: boolean }
  | { type: "dragNodes"; grabbed: string; moving: ReadonlySet<string>; start: Point; delta: Point; guides?: Guide[] }
  /** `moving` names the node (one set per gesture, so that its identity tells the gesture apart); `active` once past the drag threshold. */
  | { type: "resize"; id: string; corner: Corner; start: Point; from: Rect; rect: Rect; limits: ResizeLimits; moving: ReadonlySet<string>; active: boolean }
  /**
   * A route handle of the selected edge dragged: `from` is the route as drawn at the press,
   * `route` the live one (null until past the drag threshold); `moving` names the gesture.
   */
  | { type: "route"; id: string; handle: RouteHandle; start: Point; from: readonly Point[]; route: RouteDrag | null; moving: ReadonlySet<string> }
  | { type: "pressEmpty"; start: Point; viewportStart: Viewport; band: boolean; clearOnClick: boolean }
  | { type: "pressOther"; hit: Hit; start: Point; viewportStart: Viewport; additive: boolean }
  | { type: "pan"; start: Point; viewportStart: Viewport }
  | { type: "band"; startFlow: Point; currentFlow: Point }
  | { type: "connect"; source: string; side: Side; from: Point; to: Point; target: string | null };

export class Interaction {
  gesture: Gesture = { type: "idle" };
  /** The node under the pointer (its handles are shown). */
  hover: string | null = null;
  /** The handle under the pointer, highlighted. */
  hoverHandle: Point | null = null;
  /** The resize handle under the pointer, highlighted. */
  hoverCorner: Corner | null = null;
  /** The route handle under the pointer, highlighted. */
  hoverRoute: RouteHandle | null = null;
  private readonly host: InteractionHost;

  constructor(host: InteractionHost) {
    this.host = host;
  }

  private flow(p: Point): Point {
    return screenToFlow(this.host.viewport(), p);
  }

  /** Nodes whose handles are shown: the hovered one and the selected ones (unless very many). */
  handleNodes(): CanvasNode[] {
    if (this.host.readOnly()) return [];
    const scene = this.host.scene();
    const zoom = this.host.viewport().zoom;
    const out: CanvasNode[] = [];
    const add = (id: string | null) => {
      const n = id ? scene.nodeById.get(id) : undefined;
      if (n && scene.shapes.isConnectable(n) && Math.min(n.w, n.h) * zoom >= MIN_HANDLE_NODE_PX && !out.includes(n)) out.push(n);
    };
    add(this.hover);
    const sel = this.host.selection();
    if (sel.size <= MAX_HANDLE_NODES) for (const id of sel) add(id);
    return out;
  }

  /**
   * The node whose resize handles are shown: the one selected element, when it is a resizable
   * node big enough on screen and the canvas is editable.
   */
  resizeTarget(): CanvasNode | null {
    const host = this.host;
    if (host.readOnly() || !host.canResize()) return null;
    const sel = host.selection();
    if (sel.size !== 1) return null;
    const [id] = sel;
    const n = host.scene().nodeById.get(id);
    if (!n || !host.scene().shapes.isResizable(n) || Math.min(n.w, n.h) * host.viewport().zoom < MIN_HANDLE_NODE_PX) return null;
    return n;
  }

  /** Where the resize handles are drawn (around the live bounds while resizing) and which one is highlighted. */
  resizeHandles(): { rect: Rect; active: Corner | null } | null {
    const g = this.gesture;
    if (g.type === "resize") return { rect: g.rect, active: g.corner };
    if (g.type !== "idle") return null;
    const n = this.resizeTarget();
    return n ? { rect: rectOf(n), active: this.hoverCorner } : null;
  }

  /**
   * The edge whose route handles are shown: the one selected element, when it is an edge and
   * the canvas is editable.
   */
  routeTarget(): EdgeGeometry | null {
    const host = this.host;
    if (host.readOnly() || !host.canRoute()) return null;
    const sel = host.selection();
    if (sel.size !== 1) return null;
    const [id] = sel;
    return host.scene().edgeById.get(id) ?? null;
  }

  /**
   * The route whose handles are drawn (the live one while a handle is dragged), which handle is
   * highlighted, and whether the segments' middle handles are shown (not while dragging).
   */
  routeHandles(): { points: readonly Point[]; active: RouteHandle | null; middles: boolean } | null {
    const g = this.gesture;
    if (g.type === "route") {
      if (!g.route) return { points: g.from, active: g.handle, middles: true };
      return { points: g.route.points, active: { kind: "bend", index: g.route.index }, middles: false };
    }
    if (g.type !== "idle") return null;
    const e = this.routeTarget();
    return e ? { points: e.points, active: this.hoverRoute, middles: true } : null;
  }

  /** The element under a screen point. */
  hitAt(p: Point): Hit | null {
    return hitTest(this.host.scene(), this.flow(p), this.host.viewport().zoom, this.host.text());
  }

  pointerDown(e: PointerInput): void {
    const p = { x: e.x, y: e.y };
    const v = this.host.viewport();
    if (e.button === 1) {
      this.gesture = { type: "pan", start: p, viewportStart: v };
      return;
    }
    if (e.button !== 0) return;
    const fp = this.flow(p);
    const target = this.resizeTarget();
    const corner = target ? resizeHandleAt(target, fp, v.zoom) : null;
    if (target && corner) {
      const from = rectOf(target);
      const limits = resizeLimits(this.host.scene(), target);
      this.gesture = { type: "resize", id: target.id, corner, start: p, from, rect: from, limits, moving: new Set([target.id]), active: false };
      this.host.changed();
      return;
    }
    const routed = this.routeTarget();
    const routeHandle = routed ? routeHandleAt(routed.points, fp, v.zoom) : null;
    if (routed && routeHandle) {
      const id = routed.edge.id;
      this.gesture = { type: "route", id, handle: routeHandle, start: p, from: routed.points, route: null, moving: new Set([id]) };
      this.host.changed();
      return;
    }
    const handle = handleAt(this.handleNodes(), fp, v.zoom, this.host.scene().shapes);
    if (handle) {
      this.gesture = { type: "connect", source: handle.node.id, side: handle.side, from: handle.p, to: fp, target: null };
      this.host.changed();
      return;
    }
    const additive = e.shift || e.ctrl || e.meta;
    const hit = this.hitAt(p);
    const sel = this.host.selection();
    if (hit?.kind === "node" && !this.host.readOnly()) {
      const selected = sel.has(hit.id);
      const selectedNodes = [...sel].filter((id) => this.host.scene().nodeById.has(id));
      let dragIds: string[];
      if (!selected) {
        // Select on press, so that the drag that may follow moves this node.
        const next = additive ? [...sel, hit.id] : [hit.id];
        this.host.select(next);
        dragIds = additive ? [...selectedNodes, hit.id] : [hit.id];
      } else {
        dragIds = selectedNodes;
      }
      this.gesture = {
        type: "pressNode",
        id: hit.id,
        start: p,
        dragIds,
        toggleOffOnClick: additive && selected,
        selectOnlyOnClick: !additive && selected && sel.size > 1,
      };
      return;
    }
    if (hit) {
      this.gesture = { type: "pressOther", hit, start: p, viewportStart: v, additive };
      return;
    }
    this.gesture = { type: "pressEmpty", start: p, viewportStart: v, band: e.shift, clearOnClick: !additive };
  }

  pointerMove(e: PointerInput): void {
    const p = { x: e.x, y: e.y };
    const g = this.gesture;
    switch (g.type) {
      case "idle":
        this.updateHover(p);
        return;
      case "pressNode":
        if (dist(p, g.start) < DRAG_THRESHOLD) return;
        this.beginDrag(g);
        this.pointerMove(e);
        return;
      case "dragNodes": {
        const scene = this.host.scene();
        const grabbed = scene.nodeById.get(g.grabbed);
        const zoom = this.host.viewport().zoom;
        const raw = { x: (p.x - g.start.x) / zoom, y: (p.y - g.start.y) / zoom };
        // Snap the grabbed node to the grid and move the others by the same amount, so a
        // multi-selection keeps its shape.
        let delta = grabbed
          ? { x: snap(grabbed.x + raw.x, GRID) - grabbed.x, y: snap(grabbed.y + raw.y, GRID) - grabbed.y }
          : { x: snap(raw.x, GRID), y: snap(raw.y, GRID) };
        // Alignment with the neighbours of its group wins over the grid (kinds that ask for it).
        let guides: Guide[] = [];
        if (grabbed && scene.shapes.alignGroup) {
          const a = alignDrag(scene, grabbed, g.moving, { x: raw.x, y: raw.y }, ALIGN_PX / zoom);
          guides = a.guides;
          if (a.guides.some((x) => x.axis === "x")) delta = { ...delta, x: a.delta.x };
          if (a.guides.some((x) => x.axis === "y")) delta = { ...delta, y: a.delta.y };
        }
        const guidesChanged = (g.guides?.length ?? 0) !== guides.length || guides.some((x, i) => x.at !== g.guides?.[i]?.at || x.axis !== g.guides?.[i]?.axis);
        if (delta.x !== g.delta.x || delta.y !== g.delta.y || guidesChanged) {
          g.delta = delta;
          g.guides = guides;
          // Guides reach past the dragged nodes: the whole canvas is composed again while they show.
          this.host.changed(guides.length || guidesChanged ? undefined : "drag");
        }
        return;
      }
      case "resize": {
        if (!g.active) {
          if (dist(p, g.start) < DRAG_THRESHOLD) return;
          g.active = true;
          this.hover = null;
          this.hoverHandle = null;
          this.host.changed();
        }
        const zoom = this.host.viewport().zoom;
        const d = { x: (p.x - g.start.x) / zoom, y: (p.y - g.start.y) / zoom };
        const rect = resizedRect(g.from, g.corner, d, g.limits, GRID);
        if (!sameRect(rect, g.rect)) {
          g.rect = rect;
          this.host.changed("drag");
        }
        return;
      }
      case "route": {
        if (!g.route) {
          if (dist(p, g.start) < DRAG_THRESHOLD) return;
          this.hover = null;
          this.hoverHandle = null;
          this.hoverRoute = null;
        }
        const first = !g.route;
        const zoom = this.host.viewport().zoom;
        const at = handlePoint(g.from, g.handle);
        const raw = { x: at.x + (p.x - g.start.x) / zoom, y: at.y + (p.y - g.start.y) / zoom };
        const [source, target] = this.routeEnds(g.id);
        const route = draggedRoute(g.from, g.handle, raw, source, target, GRID, zoom);
        if (first || !sameRoute(route.points, g.route?.points ?? [])) {
          g.route = route;
          // The first frame redraws everything (the edge leaves the cached bitmap); then only around it.
          this.host.changed(first ? undefined : "drag");
        }
        return;
      }
      case "pressEmpty":
        if (dist(p, g.start) < DRAG_THRESHOLD) return;
        if (g.band) {
          const startFlow = this.flow(g.start);
          this.gesture = { type: "band", startFlow, currentFlow: this.flow(p) };
          this.host.changed();
        } else {
          this.gesture = { type: "pan", start: g.start, viewportStart: g.viewportStart };
          this.pointerMove(e);
        }
        return;
      case "pressOther":
        if (dist(p, g.start) < DRAG_THRESHOLD) return;
        this.gesture = { type: "pan", start: g.start, viewportStart: g.viewportStart };
        this.pointerMove(e);
        return;
      case "pan": {
        const v = g.viewportStart;
        this.host.setViewport({ x: v.x + p.x - g.start.x, y: v.y + p.y - g.start.y, zoom: v.zoom });
        return;
      }
      case "band":
        g.currentFlow = this.flow(p);
        this.host.changed();
        return;
      case "connect": {
        const fp = this.flow(p);
        g.to = fp;
        const hit = this.hitAt(p);
        const scene = this.host.scene();
        const target = hit?.kind === "node" && hit.id !== g.source ? scene.nodeById.get(hit.id) : undefined;
        g.target = target && scene.shapes.isConnectable(target) ? target.id : null;
        this.host.changed();
        return;
      }
    }
  }

  pointerUp(e: PointerInput): void {
    const g = this.gesture;
    this.gesture = { type: "idle" };
    const sel = this.host.selection();
    switch (g.type) {
      case "pressNode":
        if (g.toggleOffOnClick) this.host.select([...sel].filter((id) => id !== g.id));
        else if (g.selectOnlyOnClick) this.host.select([g.id]);
        break;
      case "dragNodes": {
        if (g.delta.x === 0 && g.delta.y === 0) break;
        const scene = this.host.scene();
        const moves: NodeMove[] = [];
        for (const id of g.moving) {
          const n = scene.nodeById.get(id);
          if (n) moves.push({ id, x: n.x + g.delta.x, y: n.y + g.delta.y });
        }
        this.host.moveNodes(moves);
        break;
      }
      case "resize":
        if (g.active && !sameRect(g.rect, g.from)) this.host.resizeNode(g.id, g.rect);
        break;
      case "route": {
        if (!g.route) break;
        const points = finishedRoute(g.route, this.host.viewport().zoom);
        if (!sameRoute(points, g.from)) this.host.routeEdge(g.id, points);
        break;
      }
      case "pressEmpty":
        if (g.clearOnClick && sel.size > 0) this.host.select([]);
        break;
      case "pressOther":
        if (g.additive) {
          this.host.select(sel.has(g.hit.id) ? [...sel].filter((id) => id !== g.hit.id) : [...sel, g.hit.id]);
        } else if (!(sel.size === 1 && sel.has(g.hit.id))) {
          this.host.select([g.hit.id]);
        }
        break;
      case "band": {
        const r = rectFromPoints(g.startFlow, g.currentFlow);
        this.host.select(nodesInside(this.host.scene(), r));
        break;
      }
      case "connect":
        if (g.target) this.host.connect(g.source, g.target);
        break;
      default:
        break;
    }
    this.updateHover({ x: e.x, y: e.y });
    this.host.changed();
  }

  /** Abandons the current gesture (Escape, lost pointer capture): nothing is committed. */
  cancel(): void {
    const g = this.gesture;
    if (g.type === "pan") this.host.setViewport(g.viewportStart);
    this.gesture = { type: "idle" };
    this.host.changed();
  }

  pointerLeave(): void {
    if (this.gesture.type !== "idle") return;
    if (this.hover !== null || this.hoverHandle !== null || this.hoverCorner !== null || this.hoverRoute !== null) {
      this.hover = null;
      this.hoverHandle = null;
      this.hoverCorner = null;
      this.hoverRoute = null;
      this.host.changed();
    }
  }

  /** The source and target nodes of an edge (undefined when not drawn). */
  private routeEnds(id: string): [CanvasNode | undefined, CanvasNode | undefined] {
    const scene = this.host.scene();
    const e = scene.edgeById.get(id)?.edge;
    return e ? [scene.nodeById.get(e.source), scene.nodeById.get(e.target)] : [undefined, undefined];
  }

  private beginDrag(g: Extract<Gesture, { type: "pressNode" }>): void {
    const moving = new Set(nodesMovingWith(this.host.scene(), g.dragIds));
    this.gesture = { type: "dragNodes", grabbed: g.id, moving, start: g.start, delta: { x: 0, y: 0 } };
    this.hover = null;
    this.host.changed();
  }

  private updateHover(p: Point): void {
    const fp = this.flow(p);
    const zoom = this.host.viewport().zoom;
    const target = this.resizeTarget();
    const corner = target ? resizeHandleAt(target, fp, zoom) : null;
    const routed = corner ? null : this.routeTarget();
    const routeHandle = routed ? routeHandleAt(routed.points, fp, zoom) : null;
    // Keep the hovered node while the pointer is over one of its handles (they stick out).
    const handle = corner || routeHandle ? null : handleAt(this.handleNodes(), fp, zoom, this.host.scene().shapes);
    let hover: string | null;
    if (handle) hover = this.hover ?? handle.node.id;
    else {
      const hit = this.hitAt(p);
      const n = hit?.kind === "node" ? this.host.scene().nodeById.get(hit.id) : undefined;
      hover = n && this.host.scene().shapes.isConnectable(n) ? n.id : null;
    }
    const hh = handle?.p ?? null;
    if (
      hover !== this.hover ||
      hh?.x !== this.hoverHandle?.x ||
      hh?.y !== this.hoverHandle?.y ||
      corner !== this.hoverCorner ||
      !sameHandle(routeHandle, this.hoverRoute)
    ) {
      this.hover = hover;
      this.hoverHandle = hh;
      this.hoverCorner = corner;
      this.hoverRoute = routeHandle;
      this.host.changed();
    }
  }

  /** What kind of cursor suits the pointer's position now. */
  cursor(): string {
    const g = this.gesture;
    if (g.type === "pan") return "grabbing";
    if (g.type === "dragNodes") return "move";
    if (g.type === "resize") return resizeCursor(g.corner);
    if (g.type === "route") return "move";
    if (g.type === "connect" || g.type === "band") return "crosshair";
    if (this.hoverCorner) return resizeCursor(this.hoverCorner);
    if (this.hoverRoute) return "move";
    if (this.hoverHandle) return "crosshair";
    if (this.hover && !this.host.readOnly()) return "move";
    return "default";
  }

  /** The rubber band in flow coordinates, while one is drawn. */
  band(): Rect | null {
    const g = this.gesture;
    return g.type === "band" ? rectFromPoints(g.startFlow, g.currentFlow) : null;
  }

  /** The connection being drawn: from the handle to the target's facing side, or to the pointer. */
  connection(): { from: Point; to: Point; target: string | null } | null {
    const g = this.gesture;
    if (g.type !== "connect") return null;
    const scene = this.host.scene();
    const s = scene.nodeById.get(g.source);
    const t = g.target ? scene.nodeById.get(g.target) : undefined;
    if (s && t) {
      const route = routeEdge(s, t);
      return { from: g.from, to: route[route.length - 1], target: g.target };
    }
    return { from: g.from, to: g.to, target: null };
  }

  /** The node being resized and its live bounds, once the pointer has moved past the drag threshold. */
  resizing(): { id: string; rect: Rect; moving: ReadonlySet<string> } | null {
    const g = this.gesture;
    return g.type === "resize" && g.active ? { id: g.id, rect: g.rect, moving: g.moving } : null;
  }

  /** The edge whose route is being dragged and its live route, once past the drag threshold. */
  routing(): { id: string; points: readonly Point[]; moving: ReadonlySet<string> } | null {
    const g = this.gesture;
    return g.type === "route" && g.route ? { id: g.id, points: g.route.points, moving: g.moving } : null;
  }

  /** The nodes being dragged and by how much, while a drag is on. */
  drag(): { moving: ReadonlySet<string>; delta: Point } | null {
    const g = this.gesture;
    return g.type === "dragNodes" ? { moving: g.moving, delta: g.delta } : null;
  }

  /** The alignment guides of the drag under way. */
  guides(): readonly Guide[] {
    const g = this.gesture;
    return g.type === "dragNodes" ? (g.guides ?? []) : [];
  }
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
