// The imperative core behind <FlowCanvas>: owns the canvas, the scene, the viewport, the scene
// bitmap cache and the pointer, keyboard, wheel and drop listeners. React only passes props in
// and the handle out, so panning and hovering never re-render React components.
//
// Frames: every change (pointer move, wheel, props) only records state and asks for an
// animation frame; the frame then paints once, however many events arrived in between. A view
// change alone (pan, zoom) only moves the canvas (CSS transform). The canvas content — the
// clean scene bitmap with the overlay drawn on it — is recomposed only when the overlay
// changed (`changed()`) or the scene bitmap was re-rendered.

import { SceneCache, bitmapRectToFlow, type CacheUpdate, type ScreenView } from "./bitmapCache";
import { createCanvas2D, createTextLayout, hasCanvasSupport } from "./canvasSupport";
import { drawDotGrid } from "./draw";
import type { EdgeGeometry } from "./edges";
import { boundsOfPoints, edgePoints, expandRect, rectsIntersect, rectOf, unionRect } from "./geometry";
import { Interaction, type InteractionHost, type NodeMove, type PointerInput } from "./interaction";
import { lodFor } from "./lod";
import {
  drawConnectionPreview,
  drawEdgeSelection,
  drawHandles,
  drawLaneSelection,
  drawNodeSelection,
  drawProblemBadge,
  drawResizeHandles,
  drawRouteHandles,
  drawGuides,
  drawRubberBand,
} from "./overlay";
import { sameRect } from "./resize";
import { buildScene, drawScene, nodesMovingWith, type Scene } from "./scene";
import { bpmnShapes, type ShapeSet } from "./shapes";
import type { TextLayout } from "./text";
import { THEME } from "./theme";
import type { CanvasEdge, CanvasLane, CanvasNode, Point, ProblemSeverity, Rect, Viewport } from "./types";
import {
  MAX_ZOOM,
  MIN_ZOOM,
  alignToDevicePixels,
  centerOn,
  clampZoom,
  fitBounds,
  flowToScreen,
  sameViewport,
  screenToFlow,
  wheelZoomFactor,
  zoomAround,
} from "./viewport";

/** The dataTransfer type of palette items dropped on the canvas. */
export const DROP_MIME = "application/x-triloop-kind";
/** The type the xyflow editor's palette uses today; accepted too so that either palette works. */
export const LEGACY_DROP_MIME = "application/x-triloop-node-kind";

/** How long after the last wheel event zooming counts as "in progress" (scaled blits allowed). */
const WHEEL_SETTLE_MS = 160;
/** How long a committed move, resize or route is shown before the parent's new nodes or edges arrive (then the parent wins). */
const PENDING_MOVE_MS = 1500;
/** Screen pixels a double click's second press may travel and still open an element. */
const DOUBLE_CLICK_SLOP = 4;

export type FlowCanvasProps = {
  /** The kind's shapes (default: BPMN's). Fixed for the canvas's life: give a new key to change it. */
  shapes?: ShapeSet;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  lanes: CanvasLane[];
  /** Selected node/edge/lane ids (controlled). */
  selection: ReadonlySet<string>;
  /** Badges on nodes; problem edges are drawn dashed in the severity's colour. */
  problems?: ReadonlyMap<string, ProblemSeverity>;
  readOnly?: boolean;
  onSelectionChange(ids: string[]): void;
  /** Called once when a drag of nodes ends, with every node that moved (including those inside moved containers), snapped to 10. */
  onMoveNodes(moves: { id: string; x: number; y: number }[]): void;
  /**
   * Called once when a resize ends (a corner handle of the one selected node dragged), with the
   * node's new bounds: the dragged corner snapped to 10, the opposite one fixed, at least the
   * kind's minimum size (resize.ts). Without it no resize handles are shown. What lies inside a
   * resized container stays where it is. The canvas previews the node's edges routed afresh
   * (their stored routes end on the old border): the integrator is expected to drop those routes.
   */
  onResizeNode?(resize: { id: string; x: number; y: number; w: number; h: number }): void;
  /**
   * Called once when a route edit ends (a bend or segment handle of the one selected edge
   * dragged), with the edge's whole new route: the first point on the source's border, the bend
   * points (snapped to 10, or into line with a neighbour), the last point on the target's border
   * (route.ts). A bend dragged onto the straight line between its neighbours is removed. Without
   * it no route handles are shown.
   */
  onRouteEdge?(route: { id: string; waypoints: Point[] }): void;
  onConnect(source: string, target: string): void;
  /** Double-click, or F2/Enter with one element selected (also in read-only mode: the editor decides). */
  onActivate(id: string): void;
  /** A palette item dropped at flow coordinates (x, y). */
  onDropKind?(kind: string, x: number, y: number): void;
  /** Right click on an element (or on empty canvas: null), at client coordinates. */
  onContextMenu?(id: string | null, x: number, y: number): void;
  onViewportChange?(v: { x: number; y: number; zoom: number }): void;
  className?: string;
  ariaLabel?: string;
};

export type FlowCanvasHandle = {
  /** Shows the whole flow; `padding` is the fraction of the canvas left free on each side (default 0.1). Zoom at most 1. */
  fitView(padding?: number): void;
  /** Centres a node, edge or lane; zooms in to 1 if the zoom is below 1. */
  focusElement(id: string): void;
  getViewport(): Viewport;
  setViewport(v: Viewport): void;
  /** Flow → client coordinates (those of MouseEvent.clientX/Y and getBoundingClientRect). */
  flowToClient(x: number, y: number): Point;
  clientToFlow(x: number, y: number): Point;
  elementAt(clientX: number, clientY: number): string | null;
  /** A node's (or lane's) box in client coordinates, for placing an input over it. */
  nodeRectOnScreen(id: string): DOMRect | null;
  /** Frames painted so far (for benchmarks). */
  redrawCount(): number;
};

/** What a drag, a resize or a route edit draws live over the cached bitmap (which leaves those elements out). */
type DragLayer = {
  /** Distinguishes drags in the cache key (the bitmap without this drag's elements). */
  serial: number;
  /** The gesture's moving nodes (for a resize: the resized node; for a route edit: the edge); its identity names the gesture. */
  moving: ReadonlySet<string>;
  /**
   * A drag: the moving nodes and the edges among them, drawn translated by the drag delta.
   * A resize: what lies inside the resized container and the edges touching it, drawn in place
   * over the container.
   */
  scene: Scene;
  /** Edges with one end moving (or resized): re-routed on every frame. */
  crossing: EdgeGeometry[];
  /** Left out of the cached bitmap while the gesture lasts. */
  hidden: Set<string>;
  /** The node being resized (as it was before), or null for a drag. */
  resized: CanvasNode | null;
  /** The edge whose route is being edited (its only crossing edge, drawn along the live route), or null. */
  route: string | null;
};

export class CanvasEngine implements InteractionHost {
  private props: FlowCanvasProps;
  private sceneData: Scene;
  private sceneVersion = 0;
  private inputs: { nodes: CanvasNode[]; edges: CanvasEdge[]; lanes: CanvasLane[] };
  private problemsRef: ReadonlyMap<string, ProblemSeverity> | undefined;
  /** Committed moves and resizes shown until the parent's updated nodes arrive. */
  private pendingMoves: Map<string, Point | Rect> | null = null;
  /** Committed routes shown until the parent's updated edges arrive. */
  private pendingRoutes: Map<string, Point[]> | null = null;
  private rebuildPending = false;
  private pendingTimer: ReturnType<typeof setTimeout> | null = null;

  private container: HTMLDivElement | null = null;
  /** The displayed canvas: scene bitmap plus overlay, as big as the bitmap, moved by a CSS transform. */
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | null = null;
  private cache: SceneCache | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private cleanup: (() => void)[] = [];

  private v: Viewport = { x: 0, y: 0, zoom: 1 };
  private notified: Viewport = { x: 0, y: 0, zoom: 1 };
  private size = { w: 0, h: 0, dpr: 1 };
  /** The window's size at the last measure (a change there re-centres the view). */
  private windowSize: { w: number; h: number } | null = null;
  private pendingFit: number | null = null;

  private readonly interaction: Interaction;
  private readonly textLayout: TextLayout;
  private overlayDirty = true;
  /** Whether the next composition must redraw the whole canvas (else only around the drag). */
  private composeAll = true;
  /** The flow area the dragged elements covered at the last composition. */
  private dragBox: Rect | null = null;
  private placed = { transform: "" };
  private dragLayer: DragLayer | null = null;
  private dragSerial = 0;
  private frame: number | null = null;
  private redraws = 0;
  private wheelUntil = 0;
  private wheelTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTx = 0;
  private lastTy = 0;
  private bias = { x: 0, y: 0 };
  /** Where the last primary press was (client coordinates). */
  private lastDown: { x: number; y: number } | null = null;
  private cursor = "";

  constructor(props: FlowCanvasProps) {
    this.props = props;
    this.inputs = { nodes: props.nodes, edges: props.edges, lanes: props.lanes };
    this.problemsRef = props.problems;
    this.sceneData = buildScene(props.nodes, props.edges, props.lanes, undefined, props.shapes ?? bpmnShapes);
    this.interaction = new Interaction(this);
    this.textLayout = createTextLayout();
  }

  // --- InteractionHost ---

  scene(): Scene {
    // A committed move is applied lazily: usually the parent's updated nodes arrive first and
    // the scene is built once, not twice.
    if (this.rebuildPending) this.rebuild();
    return this.sceneData;
  }
  /** The kind's shapes (the same for the canvas's life). */
  private shapes(): ShapeSet {
    return this.sceneData.shapes;
  }
  viewport(): Viewport {
    return this.v;
  }
  setViewport(v: Viewport): void {
    const next = alignToDevicePixels({ x: v.x, y: v.y, zoom: clampZoom(v.zoom, MIN_ZOOM, MAX_ZOOM) }, this.size.dpr);
    if (!Number.isFinite(next.x) || !Number.isFinite(next.y) || !Number.isFinite(next.zoom)) return;
    if (sameViewport(next, this.v)) return;
    this.v = next;
    this.requestFrame();
  }
  selection(): ReadonlySet<string> {
    return this.props.selection;
  }
  readOnly(): boolean {
    return this.props.readOnly === true;
  }
  text(): TextLayout {
    return this.textLayout;
  }
  select(ids: string[]): void {
    this.props.onSelectionChange(ids);
  }
  moveNodes(moves: NodeMove[]): void {
    // Keep showing the nodes where they were dropped until the parent's updated nodes arrive.
    this.pendingMoves = new Map(moves.map((m) => [m.id, { x: m.x, y: m.y }]));
    this.holdPending();
    this.props.onMoveNodes(moves);
  }
  canResize(): boolean {
    return this.props.onResizeNode !== undefined;
  }
  resizeNode(id: string, bounds: Rect): void {
    this.pendingMoves = new Map([[id, { ...bounds }]]);
    this.holdPending();
    this.props.onResizeNode?.({ id, ...bounds });
  }
  canRoute(): boolean {
    return this.props.onRouteEdge !== undefined;
  }
  routeEdge(id: string, points: Point[]): void {
    this.pendingRoutes = new Map([[id, points]]);
    this.holdPending();
    this.props.onRouteEdge?.({ id, waypoints: points.map((p) => ({ x: p.x, y: p.y })) });
  }
  /** Shows the pending moves and routes (rebuilding the scene lazily) until the parent's update or the timeout. */
  private holdPending(): void {
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = null;
      if (this.pendingMoves || this.pendingRoutes) {
        this.pendingMoves = null;
        this.pendingRoutes = null;
        this.rebuild();
      }
    }, PENDING_MOVE_MS);
    this.rebuildPending = true;
    this.changed();
  }
  connect(source: string, target: string): void {
    this.props.onConnect(source, target);
  }
  changed(what?: "drag"): void {
    this.overlayDirty = true;
    if (what !== "drag") this.composeAll = true;
    this.requestFrame();
  }

  /** Asks for a frame (the view moved; what the overlay shows did not change). */
  private requestFrame(): void {
    if (this.frame !== null) return;
    if (typeof requestAnimationFrame === "undefined") {
      this.notifyViewport();
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.paint();
      this.notifyViewport();
    });
  }

  /** Reports the viewport once per frame at most, when it changed since the last report. */
  private notifyViewport(): void {
    const v = this.v;
    if (sameViewport(v, this.notified)) return;
    this.notified = { ...v };
    this.props.onViewportChange?.({ ...v });
  }

  // --- props ---

  setProps(props: FlowCanvasProps): void {
    const prev = this.props;
    this.props = props;
    const i = this.inputs;
    if (props.nodes !== i.nodes || props.edges !== i.edges || props.lanes !== i.lanes) {
      if (props.nodes !== i.nodes) this.pendingMoves = null;
      if (props.edges !== i.edges) this.pendingRoutes = null;
      if (!this.pendingMoves && !this.pendingRoutes && this.pendingTimer) {
        clearTimeout(this.pendingTimer);
        this.pendingTimer = null;
      }
      this.inputs = { nodes: props.nodes, edges: props.edges, lanes: props.lanes };
      this.rebuild();
    } else if (props.problems !== this.problemsRef) {
      this.problemsRef = props.problems;
      this.sceneVersion++;
      this.changed();
    } else if (props.selection !== prev.selection || props.readOnly !== prev.readOnly) {
      this.changed();
    }
    this.problemsRef = props.problems;
  }

  private rebuild(): void {
    const { nodes, edges, lanes } = this.inputs;
    this.rebuildPending = false;
    const routes = this.pendingRoutes;
    const shown = routes ? edges.map((e) => (routes.has(e.id) ? { ...e, waypoints: routes.get(e.id) ?? e.waypoints } : e)) : edges;
    this.sceneData = buildScene(nodes, shown, lanes, this.pendingMoves ?? undefined, this.shapes());
    this.sceneVersion++;
    this.dragLayer = null;
    const hover = this.interaction.hover;
    if (hover && !this.sceneData.nodeById.has(hover)) this.interaction.hover = null;
    this.changed();
  }

  // --- DOM ---

  attach(container: HTMLDivElement, canvas: HTMLCanvasElement): void {
    this.detach();
    this.container = container;
    this.canvas = canvas;
    this.ctx = hasCanvasSupport() ? canvas.getContext("2d", { alpha: false }) : null;
    this.cache = this.ctx ? new SceneCache((w, h) => createCanvas2D(w, h, false)) : null;
    this.placed = { transform: "" };
    this.overlayDirty = true;
    this.composeAll = true;
    const on = <K extends keyof HTMLElementEventMap>(
      type: K,
      fn: (e: HTMLElementEventMap[K]) => void,
      options?: AddEventListenerOptions,
    ) => {
      container.addEventListener(type, fn, options);
      this.cleanup.push(() => container.removeEventListener(type, fn, options));
    };
    on("pointerdown", (e) => this.onPointerDown(e));
    on("pointermove", (e) => this.onPointerMove(e));
    on("pointerup", (e) => this.onPointerUp(e));
    on("pointercancel", () => this.interaction.cancel());
    on("lostpointercapture", () => {
      if (this.interaction.gesture.type !== "idle") this.interaction.cancel();
    });
    on("pointerleave", () => this.interaction.pointerLeave());
    on("wheel", (e) => this.onWheel(e), { passive: false });
    on("dblclick", (e) => this.onDoubleClick(e));
    on("contextmenu", (e) => this.onContextMenu(e));
    on("keydown", (e) => this.onKeyDown(e));
    on("dragover", (e) => this.onDragOver(e));
    on("drop", (e) => this.onDrop(e));
    if (typeof ResizeObserver !== "undefined") {
      this.resizeObserver = new ResizeObserver(() => this.measure());
      this.resizeObserver.observe(container);
    }
    this.measure();
    this.changed();
  }

  detach(): void {
    for (const fn of this.cleanup) fn();
    this.cleanup = [];
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    if (this.wheelTimer) clearTimeout(this.wheelTimer);
    this.wheelTimer = null;
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
    this.cache?.release();
    this.cache = null;
    this.container = null;
    this.canvas = null;
    this.ctx = null;
  }

  /** Reads the container's size; on a change resizes the canvas and, if `paintNow`, repaints at once (no blank frame while resizing). */
  private measure(paintNow = true): void {
    const c = this.container;
    if (!c) return;
    const dpr = typeof window !== "undefined" && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (w === this.size.w && h === this.size.h && dpr === this.size.dpr) return;
    const before = this.size;
    this.size = { w, h, dpr };
    // When the window is resized the flow point at the pane's centre stays there, as on a
    // map. Panels opening inside the window (the element panel, the problems list) leave the
    // view alone: the flow must not jump away from the element just clicked.
    const win = typeof window !== "undefined" ? { w: window.innerWidth, h: window.innerHeight } : null;
    const resized = win !== null && this.windowSize !== null && (win.w !== this.windowSize.w || win.h !== this.windowSize.h);
    this.windowSize = win;
    if (resized && before.w > 0 && before.h > 0 && w > 0 && h > 0 && (w !== before.w || h !== before.h)) {
      const v = this.v;
      this.setViewport({ x: v.x + (w - before.w) / 2, y: v.y + (h - before.h) / 2, zoom: v.zoom });
    }
    this.cache?.invalidate();
    if (this.pendingFit !== null && w > 0 && h > 0) {
      const padding = this.pendingFit;
      this.pendingFit = null;
      this.fitView(padding);
    }
    // The bitmap is resized (cleared) on the next paint: paint now rather than on the next frame, or it flashes empty.
    if (paintNow) this.paint();
    this.changed();
  }

  private local(e: { clientX: number; clientY: number }): Point {
    const r = this.container?.getBoundingClientRect();
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
  }

  private input(e: PointerEvent | MouseEvent): PointerInput {
    const p = this.local(e);
    return { x: p.x, y: p.y, button: e.button, shift: e.shiftKey, ctrl: e.ctrlKey, meta: e.metaKey };
  }

  private onPointerDown(e: PointerEvent): void {
    if (!e.isPrimary) return;
    this.lastDown = { x: e.clientX, y: e.clientY };
    // Keyboard focus for F2/Enter/Escape, without the focus ring a click should not show.
    this.container?.focus({ preventScroll: true, focusVisible: false });
    if (e.button !== 0 && e.button !== 1) return;
    if (e.button === 1) e.preventDefault();
    try {
      this.container?.setPointerCapture(e.pointerId);
    } catch {
      // No capture (synthetic events in tests): moves outside the canvas are then missed.
    }
    this.interaction.pointerDown(this.input(e));
    this.updateCursor();
  }

  private onPointerMove(e: PointerEvent): void {
    if (!e.isPrimary) return;
    this.interaction.pointerMove(this.input(e));
    this.updateCursor();
  }

  private onPointerUp(e: PointerEvent): void {
    if (!e.isPrimary) return;
    const wasPan = this.interaction.gesture.type === "pan";
    this.interaction.pointerUp(this.input(e));
    try {
      if (this.container?.hasPointerCapture(e.pointerId)) this.container.releasePointerCapture(e.pointerId);
    } catch {
      // See onPointerDown.
    }
    // A pan has ended: re-centre the cached bitmap around the view for the next one.
    if (wasPan) this.bias = { x: 0, y: 0 };
    this.updateCursor();
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const p = this.local(e);
    const factor = wheelZoomFactor(e.deltaY, e.deltaMode);
    const next = zoomAround(this.v, p, this.v.zoom * factor);
    this.wheelUntil = performance.now() + WHEEL_SETTLE_MS;
    if (this.wheelTimer) clearTimeout(this.wheelTimer);
    // When the wheel rests, one more frame renders the scene sharp at the final zoom.
    this.wheelTimer = setTimeout(() => {
      this.wheelTimer = null;
      this.changed();
    }, WHEEL_SETTLE_MS + 10);
    this.setViewport(next);
  }

  private onDoubleClick(e: MouseEvent): void {
    // A click and then a drag (of a handle, say) still counts as a double click for the
    // browser: only one whose second press stayed put opens an element.
    const down = this.lastDown;
    if (down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > DOUBLE_CLICK_SLOP) return;
    const hit = this.interaction.hitAt(this.local(e));
    if (hit) this.props.onActivate(hit.id);
  }

  private onContextMenu(e: MouseEvent): void {
    const handler = this.props.onContextMenu;
    if (!handler) return;
    e.preventDefault();
    const hit = this.interaction.hitAt(this.local(e));
    if (hit && !this.props.selection.has(hit.id)) this.props.onSelectionChange([hit.id]);
    handler(hit?.id ?? null, e.clientX, e.clientY);
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.target !== this.container) return;
    if ((e.key === "F2" || e.key === "Enter") && this.props.selection.size === 1) {
      const [id] = this.props.selection;
      e.preventDefault();
      this.props.onActivate(id);
    } else if (e.key === "Escape" && this.interaction.gesture.type !== "idle") {
      e.preventDefault();
      e.stopPropagation();
      this.interaction.cancel();
    }
  }

  private dropKind(dt: DataTransfer | null): boolean {
    if (!dt || this.readOnly() || !this.props.onDropKind) return false;
    return dt.types.includes(DROP_MIME) || dt.types.includes(LEGACY_DROP_MIME);
  }

  private onDragOver(e: DragEvent): void {
    if (!this.dropKind(e.dataTransfer)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
  }

  private onDrop(e: DragEvent): void {
    const dt = e.dataTransfer;
    if (!dt || !this.dropKind(dt)) return;
    e.preventDefault();
    const kind = dt.getData(DROP_MIME) || dt.getData(LEGACY_DROP_MIME);
    if (!kind) return;
    const p = screenToFlow(this.v, this.local(e));
    this.props.onDropKind?.(kind, p.x, p.y);
  }

  private updateCursor(): void {
    const c = this.interaction.cursor();
    if (c !== this.cursor && this.container) {
      this.cursor = c;
      this.container.style.cursor = c;
    }
  }

  // --- handle ---

  handle(): FlowCanvasHandle {
    return {
      fitView: (padding) => this.fitView(padding),
      focusElement: (id) => this.focusElement(id),
      getViewport: () => ({ ...this.v }),
      setViewport: (v) => this.setViewport(v),
      flowToClient: (x, y) => {
        const r = this.container?.getBoundingClientRect();
        const s = flowToScreen(this.v, { x, y });
        return { x: s.x + (r?.left ?? 0), y: s.y + (r?.top ?? 0) };
      },
      clientToFlow: (x, y) => screenToFlow(this.v, this.local({ clientX: x, clientY: y })),
      elementAt: (x, y) => this.interaction.hitAt(this.local({ clientX: x, clientY: y }))?.id ?? null,
      nodeRectOnScreen: (id) => {
        const scene = this.scene();
        const n = scene.nodeById.get(id) ?? scene.laneById.get(id);
        if (!n) return null;
        const r = this.container?.getBoundingClientRect();
        const s = flowToScreen(this.v, n);
        return new DOMRect(s.x + (r?.left ?? 0), s.y + (r?.top ?? 0), n.w * this.v.zoom, n.h * this.v.zoom);
      },
      redrawCount: () => this.redraws,
    };
  }

  fitView(padding = 0.1): void {
    const b = this.scene().bounds;
    if (!b) return;
    if (this.size.w <= 0 || this.size.h <= 0) {
      this.pendingFit = padding;
      return;
    }
    this.setViewport(fitBounds(b, this.size.w, this.size.h, padding, MIN_ZOOM, 1));
  }

  focusElement(id: string): void {
    const s = this.scene();
    const box: Rect | null =
      (s.nodeById.get(id) && rectOf(s.nodeById.get(id) as CanvasNode)) ||
      (s.edgeById.get(id) && boundsOfPoints((s.edgeById.get(id) as EdgeGeometry).points)) ||
      (s.laneById.get(id) && rectOf(s.laneById.get(id) as CanvasLane)) ||
      null;
    if (!box) return;
    const zoom = Math.max(this.v.zoom, 1);
    this.setViewport(centerOn({ x: box.x + box.w / 2, y: box.y + box.h / 2 }, this.size.w, this.size.h, zoom));
  }

  // --- painting ---

  private updateDragLayer(): DragLayer | null {
    const drag = this.interaction.drag();
    const resize = drag ? null : this.interaction.resizing();
    const route = drag || resize ? null : this.interaction.routing();
    const moving = drag?.moving ?? resize?.moving ?? route?.moving;
    if (!moving) {
      if (this.dragLayer) this.dragLayer = null;
      return null;
    }
    if (this.dragLayer && this.dragLayer.moving === moving) return this.dragLayer;
    if (resize) this.dragLayer = this.resizeLayer(resize.id, moving);
    else if (route) this.dragLayer = this.routeLayer(route.id, moving);
    else this.dragLayer = this.moveLayer(moving);
    return this.dragLayer;
  }

  /** The layer of a route edit: only the edge, drawn along its live route. */
  private routeLayer(id: string, moving: ReadonlySet<string>): DragLayer | null {
    const g = this.scene().edgeById.get(id);
    if (!g) return null;
    return { serial: ++this.dragSerial, moving, scene: buildScene([], [], [], undefined, this.shapes()), crossing: [g], hidden: new Set([id]), resized: null, route: id };
  }

  private moveLayer(moving: ReadonlySet<string>): DragLayer {
    const s = this.scene();
    const nodes: CanvasNode[] = [];
    for (const id of moving) {
      const n = s.nodeById.get(id);
      if (n) nodes.push(n);
    }
    const inner: CanvasEdge[] = [];
    const crossing: EdgeGeometry[] = [];
    const hidden = new Set<string>(moving);
    const seen = new Set<string>();
    for (const id of moving) {
      for (const g of s.edgesByNode.get(id) ?? []) {
        if (seen.has(g.edge.id)) continue;
        seen.add(g.edge.id);
        hidden.add(g.edge.id);
        if (moving.has(g.edge.source) && moving.has(g.edge.target)) {
          // Both ends move together: the drawn route (stored or computed) moves along unchanged.
          inner.push({ ...g.edge, waypoints: [...g.points] });
        } else crossing.push(g);
      }
    }
    return { serial: ++this.dragSerial, moving, scene: buildScene(nodes, inner, [], undefined, this.shapes()), crossing, hidden, resized: null, route: null };
  }

  /**
   * The layer of a resize: the node (drawn at its live bounds) and its edges (re-routed on every
   * frame); for a container also what lies inside it and the edges touching that, which stay
   * where they are but must be drawn over the resized container.
   */
  private resizeLayer(id: string, moving: ReadonlySet<string>): DragLayer | null {
    const s = this.scene();
    const n = s.nodeById.get(id);
    if (!n) return null;
    const crossing = [...(s.edgesByNode.get(id) ?? [])];
    const hidden = new Set<string>([id, ...crossing.map((g) => g.edge.id)]);
    const nodes: CanvasNode[] = [];
    const edges: CanvasEdge[] = [];
    const seen = new Set<string>(hidden);
    if (s.shapes.isContainer(n)) {
      for (const k of nodesMovingWith(s, [id])) {
        const inner = s.nodeById.get(k);
        if (k === id || !inner) continue;
        nodes.push(inner);
        hidden.add(k);
        for (const g of s.edgesByNode.get(k) ?? []) {
          if (seen.has(g.edge.id)) continue;
          seen.add(g.edge.id);
          edges.push({ ...g.edge, waypoints: [...g.points] });
        }
      }
    }
    const scene = buildScene(nodes, edges, [], undefined, this.shapes());
    for (const g of scene.edges) hidden.add(g.edge.id);
    return { serial: ++this.dragSerial, moving, scene, crossing, hidden, resized: n, route: null };
  }

  /** Where a node is drawn now: moved by the drag, or at the live bounds of the resize. */
  private liveNode(n: CanvasNode, layer: DragLayer | null): CanvasNode {
    if (!layer || !layer.moving.has(n.id)) return n;
    if (layer.resized) {
      const r = this.interaction.resizing();
      return r ? { ...n, ...r.rect } : n;
    }
    const d = this.interaction.drag()?.delta;
    return d ? { ...n, x: n.x + d.x, y: n.y + d.y } : n;
  }

  private paint(): void {
    const cache = this.cache;
    const ctx = this.ctx;
    if (!cache || !ctx) return;
    if (typeof window !== "undefined" && window.devicePixelRatio !== this.size.dpr) this.measure(false);
    const { w, h, dpr } = this.size;
    if (w <= 0 || h <= 0) return;
    const v = this.v;
    const tx = Math.round(v.x * dpr);
    const ty = Math.round(v.y * dpr);
    if (tx !== this.lastTx || ty !== this.lastTy) {
      this.bias = { x: Math.sign(this.lastTx - tx), y: Math.sign(this.lastTy - ty) };
      this.lastTx = tx;
      this.lastTy = ty;
    }
    // First: applies a pending move, which changes the scene version in the key.
    const scene = this.scene();
    const drag = this.updateDragLayer();
    const problems = this.props.problems;
    const key = `${this.sceneVersion}|${drag ? drag.serial : ""}`;
    const view: ScreenView = { zoom: v.zoom, dpr, tx, ty, wd: Math.round(w * dpr), hd: Math.round(h * dpr) };
    const text = this.textLayout;
    const allowScaled = performance.now() < this.wheelUntil;
    const hidden = drag?.hidden;
    const update = cache.update(view, key, allowScaled, this.bias, (c, area, m) => {
      drawDotGrid(c, area, m.zoom);
      drawScene(c, scene, { area, lod: lodFor(m.zoom), text, problems, hidden });
    }, THEME.background);
    if (!update) return;
    if (update.plan !== "blit" || this.overlayDirty) {
      const crossing = drag ? this.crossingRoutes(drag) : [];
      const box = drag ? this.dragBounds(drag, crossing, update.mapping.zoom) : null;
      // While only the dragged nodes move, recompose just where they were and are now: a
      // smaller changed area is cheaper for the browser to take over than the whole canvas.
      const dirty = !this.composeAll && update.plan === "blit" && box && this.dragBox ? unionRect(box, this.dragBox) : null;
      this.compose(ctx, update, drag, crossing, dirty);
      this.dragBox = box;
      this.composeAll = false;
    }
    this.place(update);
    this.redraws++;
  }

  /** Moves (and scales, mid-zoom) the canvas so that it shows the flow where the viewport wants it. */
  private place(update: CacheUpdate): void {
    const canvas = this.canvas;
    if (!canvas) return;
    const p = update.placement;
    const transform = p.scale === 1 ? `translate(${p.x}px, ${p.y}px)` : `translate(${p.x}px, ${p.y}px) scale(${p.scale})`;
    if (transform !== this.placed.transform) {
      canvas.style.transform = transform;
      this.placed.transform = transform;
    }
  }

  /**
   * Recomposes the displayed canvas: the clean scene bitmap, then the overlay drawn in the
   * bitmap's mapping (so the canvas can move while panning without a redraw); sizes in screen
   * pixels use the bitmap's zoom.
   */
  private compose(
    ctx: CanvasRenderingContext2D,
    update: CacheUpdate,
    drag: DragLayer | null,
    crossing: EdgeGeometry[],
    dirty: Rect | null,
  ): void {
    const canvas = this.canvas;
    const clean = this.cache?.bitmap();
    if (!canvas || !clean) return;
    this.overlayDirty = false;
    const { dpr } = this.size;
    if (canvas.width !== update.wd || canvas.height !== update.hd) {
      canvas.width = update.wd;
      canvas.height = update.hd;
      canvas.style.width = `${update.wd / dpr}px`;
      canvas.style.height = `${update.hd / dpr}px`;
      dirty = null;
    }
    const m = update.mapping;
    const zoom = m.zoom;
    const k = zoom * m.dpr;
    // The part of the bitmap to recompose, in whole device pixels.
    let r = { x: 0, y: 0, w: update.wd, h: update.hd };
    if (dirty) {
      const x0 = Math.max(0, Math.floor(dirty.x * k + m.ox));
      const y0 = Math.max(0, Math.floor(dirty.y * k + m.oy));
      const x1 = Math.min(update.wd, Math.ceil((dirty.x + dirty.w) * k + m.ox));
      const y1 = Math.min(update.hd, Math.ceil((dirty.y + dirty.h) * k + m.oy));
      if (x1 <= x0 || y1 <= y0) return;
      r = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    }
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (dirty) {
      ctx.beginPath();
      ctx.rect(r.x, r.y, r.w, r.h);
      ctx.clip();
    }
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(clean.canvas, r.x, r.y, r.w, r.h, r.x, r.y, r.w, r.h);
    ctx.setTransform(k, 0, 0, k, m.ox, m.oy);
    const area = bitmapRectToFlow(r, m);
    if (drag) this.paintDrag(ctx, drag, crossing, area, lodFor(zoom));
    this.paintSelection(ctx, area, drag, zoom);
    if ((this.props.problems?.size ?? 0) > 0) this.paintBadges(ctx, area, drag, zoom);
    const g = this.interaction.gesture;
    if (g.type === "idle" || g.type === "connect") {
      for (const n of this.interaction.handleNodes()) {
        if (rectsIntersect(rectOf(n), area)) drawHandles(ctx, this.shapes(), n, zoom, this.interaction.hoverHandle);
      }
    }
    const resize = this.interaction.resizeHandles();
    if (resize && rectsIntersect(resize.rect, area)) drawResizeHandles(ctx, resize.rect, zoom, resize.active);
    const route = this.interaction.routeHandles();
    if (route && rectsIntersect(boundsOfPoints(route.points), area)) drawRouteHandles(ctx, route.points, zoom, route.active, route.middles);
    const conn = this.interaction.connection();
    if (conn) {
      const target = conn.target ? this.scene().nodeById.get(conn.target) : undefined;
      if (target) drawNodeSelection(ctx, this.shapes(), target, zoom, THEME.handleStroke);
      drawConnectionPreview(ctx, conn.from, conn.to, zoom);
    }
    const band = this.interaction.band();
    if (band) drawRubberBand(ctx, band, zoom);
    const guides = this.interaction.guides();
    if (guides.length) drawGuides(ctx, guides, zoom);
    ctx.restore();
  }

  /** Edges with one moving (or resized) end, routed afresh between the moved and the fixed node. */
  private crossingRoutes(drag: DragLayer): EdgeGeometry[] {
    if (drag.route) {
      const live = this.interaction.routing();
      return live ? drag.crossing.map((g) => ({ edge: g.edge, points: live.points })) : [];
    }
    const s = this.scene();
    const out: EdgeGeometry[] = [];
    // Once a resized node's border has moved, its edges' stored routes end on the old border:
    // they are routed afresh, as they will be once the resize is committed (onResizeNode).
    const r = drag.resized;
    const reroute = r !== null && !sameRect(rectOf(r), rectOf(this.liveNode(r, drag)));
    for (const g of drag.crossing) {
      const src = s.nodeById.get(g.edge.source);
      const tgt = s.nodeById.get(g.edge.target);
      const edge = reroute ? { ...g.edge, waypoints: [] } : g.edge;
      const points = edgePoints(edge, src && this.liveNode(src, drag), tgt && this.liveNode(tgt, drag));
      if (points) out.push({ edge: g.edge, points });
    }
    return out;
  }

  /** The flow area the dragged elements are drawn in now (with room for halos, badges and arrowheads). */
  private dragBounds(drag: DragLayer, crossing: readonly EdgeGeometry[], zoom: number): Rect | null {
    const d = this.interaction.drag()?.delta ?? { x: 0, y: 0 };
    const b = drag.scene.bounds;
    let box: Rect | null = b ? { x: b.x + d.x, y: b.y + d.y, w: b.w, h: b.h } : null;
    if (drag.resized) {
      const n = this.shapes().visualBounds(this.liveNode(drag.resized, drag));
      box = box ? unionRect(box, n) : n;
    }
    for (const g of crossing) {
      const e = boundsOfPoints(g.points);
      box = box ? unionRect(box, e) : e;
    }
    return box ? expandRect(box, 12 + 20 / zoom) : null;
  }

  private paintDrag(
    ctx: CanvasRenderingContext2D,
    drag: DragLayer,
    crossing: readonly EdgeGeometry[],
    visible: Rect,
    lod: ReturnType<typeof lodFor>,
  ): void {
    const problems = this.props.problems;
    const edges = crossing.filter((g) => rectsIntersect(boundsOfPoints(g.points), visible));
    if (drag.resized) {
      // As the scene draws them: a container under its edges and contents, any other node over its edges.
      const n = this.liveNode(drag.resized, drag);
      const shapes = this.shapes();
      const under = shapes.isContainer(n);
      const shown = rectsIntersect(shapes.visualBounds(n), visible);
      if (under && shown) shapes.drawNode(ctx, n, problems?.get(n.id), lod, this.textLayout);
      shapes.drawEdges(ctx, edges, problems, lod);
      if (!under && shown) shapes.drawNode(ctx, n, problems?.get(n.id), lod, this.textLayout);
      drawScene(ctx, drag.scene, { area: visible, lod, text: this.textLayout, problems });
      return;
    }
    const d = this.interaction.drag()?.delta ?? { x: 0, y: 0 };
    this.shapes().drawEdges(ctx, edges, problems, lod);
    ctx.save();
    ctx.translate(d.x, d.y);
    const area = { x: visible.x - d.x, y: visible.y - d.y, w: visible.w, h: visible.h };
    drawScene(ctx, drag.scene, { area, lod, text: this.textLayout, problems });
    ctx.restore();
  }

  private paintSelection(ctx: CanvasRenderingContext2D, visible: Rect, drag: DragLayer | null, zoom: number): void {
    const s = this.scene();
    for (const id of this.props.selection) {
      const n = s.nodeById.get(id);
      if (n) {
        const moved = this.liveNode(n, drag);
        if (rectsIntersect(rectOf(moved), visible)) drawNodeSelection(ctx, this.shapes(), moved, zoom);
        continue;
      }
      const g = s.edgeById.get(id);
      if (g) {
        // The edge whose route is being edited is outlined along its live route.
        const points = drag?.route === id ? this.interaction.routing()?.points : drag?.hidden.has(id) ? undefined : g.points;
        if (points && rectsIntersect(boundsOfPoints(points), visible)) drawEdgeSelection(ctx, this.shapes(), g.edge, points, zoom);
        continue;
      }
      const lane = s.laneById.get(id);
      if (lane && rectsIntersect(rectOf(lane), visible)) drawLaneSelection(ctx, lane, zoom);
    }
  }

  private paintBadges(ctx: CanvasRenderingContext2D, visible: Rect, drag: DragLayer | null, zoom: number): void {
    const problems = this.props.problems;
    if (!problems || problems.size === 0) return;
    const s = this.scene();
    // Badges stick out of the node's box.
    const area = expandRect(visible, 20 / zoom);
    for (const [id, severity] of problems) {
      const n = s.nodeById.get(id);
      if (!n) continue;
      const moved = this.liveNode(n, drag);
      if (rectsIntersect(rectOf(moved), area)) drawProblemBadge(ctx, this.shapes(), moved, severity, zoom);
    }
  }
}
