// The flow canvas (流程画布): palette, toolbar and the canvas renderer for one business flow.
//
// The drawing and the pointer work (pan, zoom, select, drag, connect) are FlowCanvas's
// (ui/src/canvas, a 2D canvas that stays smooth with thousands of elements); this component
// turns what happens there into edits of the flow, and adds what a canvas cannot draw: the
// inline rename field, the element panel and the problems list.

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type PointerEvent as ReactPointerEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError } from "../bindings";
import { FlowCanvas, type FlowCanvasHandle } from "../canvas";
import { PresenceLayer, type ViewportListeners } from "../sync/PresenceLayer";
import type { PresencePeer } from "../sync/useWorkspaceSync";
import { InlineInput } from "../components/InlineInput";
import { DEFAULT_LANE_HEIGHT, makeEdge, makeLane, makeNode, type FlowEdge, type FlowNode, type FlowOp, type Lane, type NodeKind } from "../model";
import { newId } from "../ids";
import { createRenameStore } from "./canvasContext";
import { ElementPanel } from "./ElementPanel";
import { ExportButtons, ExportSaved, useExportActions } from "./ExportButtons";
import { OverflowToolbar, ToolButton, type ItemMode, type ToolbarItem } from "./OverflowToolbar";
import { useCollapse } from "../components/useCollapse";
import { useEditorKeys } from "../components/useEditorKeys";
import { selectOnly } from "./flowState";
import { NODE_KINDS, NODE_SIZE } from "./kinds";
import type { OtherEnd } from "./links";
import { Palette } from "./Palette";
import { FIT_FRAME, OPEN_FRAME, flowBounds, frameViewport, sessionViewports, type FrameOptions } from "./framing";
import { canvasElement, worstSeverity, type Problem } from "./problems";
import { ProblemTooltip } from "./ProblemTooltip";
import { ProblemsPanel, ProblemsToggle } from "./ProblemsPanel";
import { POOL_HEADER, toCanvasFlow } from "./toCanvas";
import type { FlowProblems } from "./useFlowProblems";
import type { FlowSession } from "./useFlowSession";

/** The element panel's width (styles.css `.element-panel`): centring leaves room for it. */
const ELEMENT_PANEL_WIDTH = 288;

/**
 * The open canvas, for the test hooks (window.__triloop): its view handle (screen positions of
 * elements) and the problem marks it draws. One editor is open at a time.
 */
export const openCanvas: { view: FlowCanvasHandle | null; marks: ReadonlyMap<string, "error" | "warning"> } = {
  view: null,
  marks: new Map(),
};

export type ConfirmRequest = { title: string; message: string; onConfirm(): void };

/** An element to select and centre once its document's canvas opens (a link followed from another flow). */
export type FocusRequest = { documentId: string; elementId: string };

type Props = {
  backend: Backend;
  workspaceId: string;
  /** The document's title, for the names of exported files. */
  documentTitle: string;
  session: FlowSession;
  problems: FlowProblems;
  /** Whether the problems list is shown (kept by the shell across documents). */
  problemsOpen: boolean;
  onProblemsOpen(open: boolean): void;
  requestConfirm(request: ConfirmRequest): void;
  showError(error: ApiError): void;
  /** Opens another document of the workspace and selects one of its elements. */
  onOpenElement(documentId: string, elementId: string): void;
  focusRequest: FocusRequest | null;
  onFocusHandled(): void;
  /** Others with this document open (cursors and selections drawn over the canvas). */
  peers?: PresencePeer[];
  /** Where this person's pointer is (flow coordinates) and what they selected. */
  onPresence?(cursor: { x: number; y: number } | null, selection: string[]): void;
  /** The workspace is shared with this person read-only. */
  readOnly?: boolean;
};

const NO_PEERS: PresencePeer[] = [];

/** The kind of connection a drag between two elements makes, as BPMN modelers decide it. */
export function connectionKind(source: FlowNode, target: FlowNode, poolOf: (n: FlowNode) => string | null): FlowEdge["kind"] {
  const data = (k: NodeKind) => k === "dataObjectReference" || k === "dataStoreReference";
  if (source.kind === "textAnnotation" || target.kind === "textAnnotation") return "association";
  if (data(source.kind)) return "dataInputAssociation";
  if (data(target.kind)) return "dataOutputAssociation";
  const a = poolOf(source);
  const b = poolOf(target);
  return a !== b && a !== null && b !== null ? "messageFlow" : "sequenceFlow";
}

/** The edit for nodes dragged to new places: the moves, and a moved pool's lanes with it. */
export function moveOps(
  nodeById: ReadonlyMap<string, FlowNode>,
  lanes: readonly Lane[],
  moves: readonly { id: string; x: number; y: number }[],
): FlowOp[] {
  const ops: FlowOp[] = [];
  for (const m of moves) {
    const model = nodeById.get(m.id);
    if (!model) continue;
    const x = Math.round(m.x);
    const y = Math.round(m.y);
    if (model.x === x && model.y === y) continue;
    ops.push({ op: "moveNode", id: m.id, x, y });
    if (model.kind !== "pool") continue;
    for (const l of lanes) {
      if (l.pool !== m.id) continue;
      ops.push({ op: "updateLane", lane: { ...l, x: l.x === null ? null : l.x + x - model.x, y: l.y + y - model.y } });
    }
  }
  return ops;
}

/** Lane ends within this distance (flow units) of a pool's side lie along it. */
const ALONG_SIDE = 1;

/**
 * The edit for a node resized on the canvas: one updateNode with its new bounds (the core writes
 * only the fields that changed, so a concurrent rename survives, and drops the stored routes of
 * the node's edges, which end on the old border, as it does when one end of an edge moves). A
 * resized pool keeps its lanes filling it, as a moved one takes them along: their ends follow its
 * left and right sides, and the lanes along its top or bottom side take the change of height.
 */
export function resizeOps(
  nodeById: ReadonlyMap<string, FlowNode>,
  lanes: readonly Lane[],
  resize: { id: string; x: number; y: number; w: number; h: number },
): FlowOp[] {
  const model = nodeById.get(resize.id);
  if (!model) return [];
  const x = Math.round(resize.x);
  const y = Math.round(resize.y);
  const w = Math.max(1, Math.round(resize.w));
  const h = Math.max(1, Math.round(resize.h));
  if (model.x === x && model.y === y && model.w === w && model.h === h) return [];
  const ops: FlowOp[] = [{ op: "updateNode", node: { ...model, x, y, w, h } }];
  if (model.kind !== "pool") return ops;
  const along = (a: number, b: number) => Math.abs(a - b) <= ALONG_SIDE;
  const dLeft = x - model.x;
  const dRight = x + w - (model.x + model.w);
  const dTop = y - model.y;
  const dBottom = y + h - (model.y + model.h);
  for (const l of lanes) {
    if (l.pool !== model.id) continue;
    const lane = { ...l };
    // Lanes without bounds of their own span their pool already.
    if (l.x !== null && l.w !== null) {
      lane.x = l.x + dLeft;
      lane.w = Math.max(1, l.w - dLeft + (along(l.x + l.w, model.x + model.w) ? dRight : 0));
    }
    if (along(l.y, model.y)) {
      lane.y = l.y + dTop;
      lane.h -= dTop;
    }
    if (along(l.y + l.h, model.y + model.h)) lane.h += dBottom;
    lane.h = Math.max(1, lane.h);
    if (lane.x !== l.x || lane.w !== l.w || lane.y !== l.y || lane.h !== l.h) ops.push({ op: "updateLane", lane });
  }
  return ops;
}

/**
 * The edit for an edge whose route was edited on the canvas: one updateEdge with the whole new
 * route (points rounded to whole units, as the model's points are) and every other field as it
 * is (the core writes only what changed, so a concurrent rename survives). Nothing when the route
 * is the stored one, or the edge is gone.
 */
export function routeOps(edgeById: ReadonlyMap<string, FlowEdge>, route: { id: string; waypoints: readonly { x: number; y: number }[] }): FlowOp[] {
  const model = edgeById.get(route.id);
  if (!model || route.waypoints.length < 2) return [];
  const waypoints = route.waypoints.map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) }));
  const same = waypoints.length === model.waypoints.length && waypoints.every((p, i) => p.x === model.waypoints[i].x && p.y === model.waypoints[i].y);
  return same ? [] : [{ op: "updateEdge", edge: { ...model, waypoints } }];
}

export function FlowEditor({
  backend,
  workspaceId,
  documentTitle,
  session,
  problems,
  problemsOpen,
  onProblemsOpen,
  requestConfirm,
  showError,
  onOpenElement,
  focusRequest,
  onFocusHandled,
  peers = NO_PEERS,
  onPresence,
  readOnly = false,
}: Props) {
  const { t } = useTranslation();
  const rootRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const view = useRef<FlowCanvasHandle>(null);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const { state, stateRef, selectionOrder, edit, update, select } = session;

  const renaming = useMemo(createRenameStore, []);
  // Whether the first view was set (until then, viewport changes are not the person's).
  const framed = useRef(false);
  const [paletteFolded, togglePalette] = useCollapse("palette");
  const renamingId = useSyncExternalStore(renaming.subscribe, renaming.get);
  const placement = useRef({ key: "", count: 0 });
  const [selectedLanes, setSelectedLanes] = useState<ReadonlySet<string>>(new Set());

  const focusCanvas = useCallback(() => {
    canvasRef.current?.focus({ preventScroll: true });
  }, []);

  // --- what the canvas draws: derived once per change of the model, not per render ---

  const canvasFlow = useMemo(
    () => toCanvasFlow([...state.nodeById.values()], [...state.edgeById.values()], state.lanes),
    [state.nodeById, state.edgeById, state.lanes],
  );

  const selection = useMemo(() => {
    const ids = new Set<string>(selectedLanes);
    for (const n of state.nodes) if (n.selected) ids.add(n.id);
    for (const e of state.edges) if (e.selected) ids.add(e.id);
    return ids;
  }, [state.nodes, state.edges, selectedLanes]);

  const elementAt = useCallback((x: number, y: number) => view.current?.elementAt(x, y) ?? null, []);
  const lookup = useCallback(() => stateRef.current, [stateRef]);
  const problemMarks = useMemo(() => {
    const marks = new Map<string, "error" | "warning">();
    for (const [id, found] of problems.index) if (found.length > 0) marks.set(id, worstSeverity(found));
    return marks;
  }, [problems.index]);

  useEffect(() => {
    openCanvas.marks = problemMarks;
  }, [problemMarks]);

  // --- presence: this person's pointer and selection out, others' drawn over the canvas ---

  const viewportListeners = useMemo<ViewportListeners>(() => new Set(), []);
  const documentId = session.documentId;
  const onViewportChange = useCallback(
    (v: { x: number; y: number; zoom: number }) => {
      if (documentId && framed.current) sessionViewports.set(documentId, v);
      for (const l of viewportListeners) l();
    },
    [viewportListeners, documentId],
  );
  const lastCursor = useRef<{ x: number; y: number } | null>(null);
  const presenceRef = useRef(onPresence);
  presenceRef.current = onPresence;
  const selectionIds = useMemo(() => [...selection], [selection]);
  const selectionRef = useRef(selectionIds);
  selectionRef.current = selectionIds;
  useEffect(() => {
    presenceRef.current?.(lastCursor.current, selectionIds);
  }, [selectionIds]);
  const onPointerMove = useCallback((e: ReactPointerEvent) => {
    const v = view.current;
    if (!v || !presenceRef.current) return;
    const p = v.clientToFlow(e.clientX, e.clientY);
    lastCursor.current = { x: Math.round(p.x), y: Math.round(p.y) };
    presenceRef.current(lastCursor.current, selectionRef.current);
  }, []);
  useEffect(() => {
    openCanvas.view = view.current;
    return () => {
      openCanvas.view = null;
      openCanvas.marks = new Map();
    };
  }, []);

  // --- selection ---

  const onSelectionChange = useCallback(
    (ids: string[]) => {
      const s = stateRef.current;
      const nodeIds = ids.filter((id) => s.nodeById.has(id));
      const edgeIds = ids.filter((id) => s.edgeById.has(id));
      const laneIds = ids.filter((id) => s.lanes.some((l) => l.id === id));
      // "Connect" links nodes in the order they were picked.
      const kept = selectionOrder.current.filter((id) => nodeIds.includes(id));
      selectionOrder.current = [...kept, ...nodeIds.filter((id) => !kept.includes(id))];
      setSelectedLanes(new Set(laneIds));
      update((st) => selectOnly(st, nodeIds, edgeIds));
    },
    [selectionOrder, stateRef, update],
  );

  // --- edits sent to the core ---

  const onMoveNodes = useCallback(
    (moves: { id: string; x: number; y: number }[]) => edit(moveOps(stateRef.current.nodeById, stateRef.current.lanes, moves)),
    [edit, stateRef],
  );

  const onResizeNode = useCallback(
    (resize: { id: string; x: number; y: number; w: number; h: number }) => {
      const s = stateRef.current;
      edit(resizeOps(s.nodeById, s.lanes, resize));
    },
    [edit, stateRef],
  );

  const onRouteEdge = useCallback(
    (route: { id: string; waypoints: { x: number; y: number }[] }) => edit(routeOps(stateRef.current.edgeById, route)),
    [edit, stateRef],
  );

  const poolOf = useCallback(
    (n: FlowNode): string | null => {
      const cx = n.x + n.w / 2;
      const cy = n.y + n.h / 2;
      let best: FlowNode | null = null;
      for (const p of stateRef.current.nodeById.values()) {
        if (p.kind !== "pool" || cx < p.x || cx > p.x + p.w || cy < p.y || cy > p.y + p.h) continue;
        if (!best || p.w * p.h < best.w * best.h) best = p;
      }
      return best?.id ?? null;
    },
    [stateRef],
  );

  const connect = useCallback(
    (source: string, target: string): FlowOp | null => {
      const s = stateRef.current;
      const a = s.nodeById.get(source);
      const b = s.nodeById.get(target);
      if (!a || !b || source === target || a.kind === "pool" || b.kind === "pool") return null;
      return { op: "addEdge", edge: makeEdge(newId(), source, target, "", connectionKind(a, b, poolOf)) };
    },
    [poolOf, stateRef],
  );

  const onConnect = useCallback(
    (source: string, target: string) => {
      const op = connect(source, target);
      if (op) edit([op]);
    },
    [connect, edit],
  );

  const addNodeAt = useCallback(
    (kind: NodeKind, centre: { x: number; y: number }) => {
      const size = NODE_SIZE[kind];
      const node: FlowNode = makeNode({
        id: newId(),
        kind,
        name: kind === "group" ? "" : t(`nodeKind.${kind}`),
        x: Math.round(centre.x - size.w / 2),
        y: Math.round(centre.y - size.h / 2),
        w: size.w,
        h: size.h,
      });
      if (kind === "subProcess") node.expanded = false;
      if (kind === "pool") node.processRef = `Process_${node.id}`;
      edit([{ op: "addNode", node }]);
      select([node.id]);
      focusCanvas();
    },
    [edit, select, t, focusCanvas],
  );

  const viewCentre = useCallback(() => {
    const el = canvasRef.current;
    const r = el?.getBoundingClientRect();
    const width = r && r.width > 0 ? r.width : 800;
    const height = r && r.height > 0 ? r.height : 600;
    const c = view.current?.clientToFlow((r?.left ?? 0) + width / 2, (r?.top ?? 0) + height / 2) ?? { x: 0, y: 0 };
    // Successive clicks at the same view are offset diagonally so new elements do not stack.
    const key = `${Math.round(c.x)},${Math.round(c.y)}`;
    if (placement.current.key !== key) placement.current = { key, count: 0 };
    const step = (placement.current.count++ % 10) * 24;
    return { x: c.x + step, y: c.y + step };
  }, []);

  // Frames the flow in the canvas pane as the person sees it (its on-screen size).
  const frame = useCallback(
    (options: FrameOptions) => {
      const el = canvasRef.current;
      const v = view.current;
      if (!el || !v) return;
      const { width, height } = el.getBoundingClientRect();
      const b = flowBounds([...canvasFlow.nodes, ...canvasFlow.lanes], canvasFlow.edges);
      if (!b || width <= 0 || height <= 0) {
        v.setViewport({ x: 160, y: 60, zoom: 1 });
        return;
      }
      v.setViewport(frameViewport(b, width, height, options));
    },
    [canvasFlow],
  );
  const frameFlow = useCallback(() => frame(OPEN_FRAME), [frame]);
  const fitAll = useCallback(() => frame(FIT_FRAME), [frame]);

  // Centres the view on a node (at a readable zoom, leaving room for the element panel) and selects only it.
  const focusNode = useCallback(
    (node: FlowNode) => {
      const v = view.current;
      const el = canvasRef.current;
      select([node.id]);
      if (!v || !el) return;
      const zoom = Math.max(v.getViewport().zoom, 0.8);
      const width = el.clientWidth - ELEMENT_PANEL_WIDTH;
      v.setViewport({
        x: width / 2 - (node.x + node.w / 2) * zoom,
        y: el.clientHeight / 2 - (node.y + node.h / 2) * zoom,
        zoom,
      });
    },
    [select],
  );

  // First paint: the element a followed link points at, else where the person left this
  // document in this session, else the whole flow.
  useEffect(() => {
    if (framed.current || session.status !== "ready") return;
    framed.current = true;
    const node = focusRequest && focusRequest.documentId === session.documentId ? stateRef.current.nodeById.get(focusRequest.elementId) : undefined;
    const kept = session.documentId ? sessionViewports.get(session.documentId) : undefined;
    if (node) focusNode(node);
    else if (kept) view.current?.setViewport(kept);
    else frameFlow();
    if (focusRequest) onFocusHandled();
  }, [focusNode, focusRequest, frameFlow, onFocusHandled, session.documentId, session.status, stateRef]);

  const onPaletteAdd = useCallback((kind: NodeKind) => addNodeAt(kind, viewCentre()), [addNodeAt, viewCentre]);

  const onDropKind = useCallback(
    (kind: string, x: number, y: number) => {
      if ((NODE_KINDS as readonly string[]).includes(kind)) addNodeAt(kind as NodeKind, { x, y });
    },
    [addNodeAt],
  );

  const onAddLane = useCallback(() => {
    const s = stateRef.current;
    const name = t("canvas.defaultLaneName", { n: s.lanes.length + 1 });
    // With a pool selected, the lane divides that pool: it takes the pool's width below its
    // other lanes, and the pool grows when it is full.
    const pool = s.nodes.filter((n) => n.selected).map((n) => s.nodeById.get(n.id)).find((n) => n?.kind === "pool");
    if (pool) {
      const own = s.lanes.filter((l) => l.pool === pool.id);
      const y = own.length > 0 ? Math.max(...own.map((l) => l.y + l.h)) : pool.y;
      const h = own.length > 0 ? DEFAULT_LANE_HEIGHT : pool.h;
      const lane: Lane = { ...makeLane(newId(), name, y, h), x: pool.x + POOL_HEADER, w: pool.w - POOL_HEADER, pool: pool.id };
      const ops: FlowOp[] = [{ op: "addLane", lane }];
      if (y + h > pool.y + pool.h) ops.push({ op: "updateNode", node: { ...pool, h: y + h - pool.y } });
      edit(ops);
      return;
    }
    let y = 0;
    if (s.lanes.length > 0) {
      y = Math.max(...s.lanes.map((l) => l.y + l.h));
    } else if (s.nodeById.size > 0) {
      y = Math.floor((Math.min(...[...s.nodeById.values()].map((n) => n.y)) - 40) / 10) * 10;
    }
    edit([{ op: "addLane", lane: makeLane(newId(), name, y, DEFAULT_LANE_HEIGHT) }]);
  }, [edit, stateRef, t]);

  const orderedSelection = useCallback((): string[] => {
    const s = stateRef.current;
    const selected = s.nodes.filter((n) => n.selected).map((n) => n.id);
    const chosen = new Set(selected);
    const order = selectionOrder.current.filter((id) => chosen.has(id));
    const inOrder = new Set(order);
    for (const id of selected) if (!inOrder.has(id)) order.push(id);
    return order;
  }, [stateRef, selectionOrder]);

  const connectSelected = useCallback(() => {
    const order = orderedSelection();
    if (order.length < 2) return;
    const ops: FlowOp[] = [];
    for (let i = 1; i < order.length; i++) {
      const op = connect(order[i - 1], order[i]);
      if (op) ops.push(op);
    }
    edit(ops);
  }, [connect, edit, orderedSelection]);

  const deleteSelection = useCallback(() => {
    const s = stateRef.current;
    const nodeIds = s.nodes.filter((n) => n.selected).map((n) => n.id);
    const removed = new Set(nodeIds);
    const edgeIds = s.edges.filter((e) => e.selected && !removed.has(e.source) && !removed.has(e.target)).map((e) => e.id);
    const ops: FlowOp[] = [
      ...edgeIds.map((id): FlowOp => ({ op: "removeEdge", id })),
      ...nodeIds.map((id): FlowOp => ({ op: "removeNode", id })),
    ];
    const lanes = s.lanes.filter((l) => selectedLanes.has(l.id));
    if (ops.length === 0 && lanes.length === 1) {
      // A lane is a role: removing it asks first.
      const lane = lanes[0];
      requestConfirm({
        title: t("confirm.deleteLaneTitle"),
        message: t("confirm.deleteLane", { name: lane.name }),
        onConfirm: () => sessionRef.current.edit([{ op: "removeLane", id: lane.id }]),
      });
      return;
    }
    if (ops.length === 0) return;
    selectionOrder.current = [];
    edit(ops);
  }, [edit, requestConfirm, selectedLanes, selectionOrder, stateRef, t]);

  const renameSelected = useCallback(() => {
    const order = orderedSelection();
    const id = order[order.length - 1] ?? stateRef.current.edges.find((e) => e.selected)?.id ?? [...selectedLanes][0];
    if (id) renaming.set(id);
  }, [orderedSelection, renaming, selectedLanes, stateRef]);

  const commitRename = useCallback(
    (id: string, name: string) => {
      renaming.set(null);
      const s = stateRef.current;
      const node = s.nodeById.get(id);
      const edge = s.edgeById.get(id);
      const lane = s.lanes.find((l) => l.id === id);
      if (node && node.name !== name) sessionRef.current.edit([{ op: "renameNode", id, name }]);
      else if (edge && edge.name !== name) sessionRef.current.edit([{ op: "renameEdge", id, name }]);
      else if (lane && lane.name !== name) sessionRef.current.edit([{ op: "renameLane", id, name }]);
      focusCanvas();
    },
    [renaming, stateRef, focusCanvas],
  );

  // --- problems: clicking one selects its element and centres the view on it ---

  const onPickProblem = useCallback(
    (p: Problem) => {
      const s = stateRef.current;
      // A pool's process stands for its pool; elements off the canvas have nothing to select.
      const shown = canvasElement(s, p);
      const node = shown === null ? undefined : s.nodeById.get(shown);
      const edge = node || shown === null ? undefined : s.edgeById.get(shown);
      if (node) {
        focusNode(node);
      } else if (edge) {
        selectionOrder.current = [];
        update((st) => selectOnly(st, [], [edge.id]));
        view.current?.focusElement(edge.id);
      } else {
        // A problem of the whole flow, or of an element off the canvas: frame the flow as when
        // it opens.
        select([]);
        frameFlow();
      }
    },
    [frameFlow, focusNode, select, selectionOrder, stateRef, update],
  );

  // --- the element panel: follows a link to its other end ---

  const onOpenLink = useCallback(
    (end: OtherEnd) => {
      if (end.documentId === sessionRef.current.documentId) {
        const node = stateRef.current.nodeById.get(end.elementId);
        if (node) focusNode(node);
      } else {
        onOpenElement(end.documentId, end.elementId);
      }
    },
    [focusNode, onOpenElement, stateRef],
  );

  const closeElementPanel = useCallback(() => {
    sessionRef.current.select([]);
    focusCanvas();
  }, [focusCanvas]);

  const toggleProblems = useCallback(() => onProblemsOpen(!problemsOpen), [onProblemsOpen, problemsOpen]);
  const closeProblems = useCallback(() => {
    onProblemsOpen(false);
    focusCanvas();
  }, [onProblemsOpen, focusCanvas]);

  const onActivate = useCallback((id: string) => renaming.set(id), [renaming]);

  // --- keyboard: undo/redo anywhere outside text fields; delete/F2/Escape within the editor ---

  useEditorKeys(rootRef, {
    undo: () => sessionRef.current.undo(),
    redo: () => sessionRef.current.redo(),
    deleteSelection,
    renameSelection: renameSelected,
    escape: (inPanel) => {
      sessionRef.current.select([]);
      setSelectedLanes(new Set());
      if (inPanel) focusCanvas();
    },
  });

  // --- the element panel and the inline rename field ---

  const nodeSelection = useMemo(() => {
    let count = 0;
    let last: string | null = null;
    for (const n of state.nodes) {
      if (!n.selected) continue;
      count++;
      last = n.id;
    }
    return { count, single: count === 1 ? last : null };
  }, [state.nodes]);
  const selectedNodes = nodeSelection.count;
  const selectedEdges = useMemo(() => state.edges.reduce((k, e) => (e.selected ? k + 1 : k), 0), [state.edges]);
  const panelNode = nodeSelection.single ? state.nodeById.get(nodeSelection.single) : undefined;
  const panelOutgoing = useMemo(() => {
    if (!panelNode) return [];
    const out: { edge: FlowEdge; targetName: string }[] = [];
    for (const e of state.edgeById.values()) {
      if (e.source === panelNode.id && e.kind === "sequenceFlow") {
        out.push({ edge: e, targetName: state.nodeById.get(e.target)?.name ?? "" });
      }
    }
    return out;
  }, [panelNode, state.edgeById, state.nodeById]);

  const renameTarget = useMemo(() => {
    if (!renamingId) return null;
    const s = stateRef.current;
    const name = s.nodeById.get(renamingId)?.name ?? s.edgeById.get(renamingId)?.name ?? s.lanes.find((l) => l.id === renamingId)?.name;
    if (name === undefined) return null;
    const v = view.current;
    const box = canvasRef.current?.getBoundingClientRect();
    if (!v || !box) return { name, style: { left: 16, top: 16, width: 200 } };
    let rect = v.nodeRectOnScreen(renamingId);
    if (!rect) {
      const e = s.edgeById.get(renamingId);
      const a = e && s.nodeById.get(e.source);
      const b = e && s.nodeById.get(e.target);
      if (a && b) {
        const p = v.flowToClient((a.x + a.w / 2 + b.x + b.w / 2) / 2, (a.y + a.h / 2 + b.y + b.h / 2) / 2);
        rect = new DOMRect(p.x - 80, p.y - 14, 160, 28);
      }
    }
    if (!rect) return { name, style: { left: 16, top: 16, width: 200 } };
    const width = Math.max(140, Math.min(rect.width, 320));
    return {
      name,
      style: {
        left: rect.left - box.left + rect.width / 2 - width / 2,
        top: rect.top - box.top + rect.height / 2 - 14,
        width,
      },
    };
  }, [renamingId, stateRef]);

  // --- the canvas toolbar: what does not fit folds into its More menu ---

  const exportActions = useExportActions({
    backend,
    documentId: session.documentId ?? "",
    title: documentTitle,
    nodes: () => [...stateRef.current.nodeById.values()],
    edges: () => [...stateRef.current.edgeById.values()],
    lanes: () => stateRef.current.lanes,
    showError,
  });
  const nothingSelected = selectedNodes + selectedEdges + selectedLanes.size === 0;
  // The commands on the selection: [id, priority, test id, label, hint, disabled, run, icon path].
  const selectionCommands: [string, number, string, string, string, boolean, () => void, string][] = [
    ["connect", 70, "connect-selected", "canvas.connect", "canvas.connectHint", selectedNodes < 2, connectSelected, "M1 8a2 2 0 104 0 2 2 0 10-4 0M5 8h6M10 5l3 3-3 3"],
    ["rename", 80, "rename-selected", "canvas.rename", "canvas.renameHint", nothingSelected, renameSelected, "M3 13l1-3.5L11 2.5l2.5 2.5L6.5 12z"],
    [
      "delete",
      90,
      "delete-selected",
      "canvas.deleteSelection",
      "canvas.deleteSelectionHint",
      nothingSelected,
      deleteSelection,
      "M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5",
    ],
  ];
  const toolbarItems: ToolbarItem[] = [
    ...selectionCommands.map(([id, priority, testId, label, hint, disabled, run, path]): ToolbarItem => ({
      id,
      priority,
      render: (mode) => (
        <ToolButton
          mode={mode}
          testId={testId}
          label={t(label)}
          title={t(hint)}
          disabled={disabled}
          onClick={run}
          icon={
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
              <path d={path} />
            </svg>
          }
        />
      ),
    })),
    {
      id: "fit",
      priority: 100,
      render: (mode) => <ToolButton mode={mode} testId="fit-view" label={t("canvas.fit")} title={t("canvas.fitHint")} onClick={fitAll} />,
    },
    ...(session.documentId
      ? [{ id: "export", priority: 60, render: (mode: ItemMode) => <ExportButtons actions={exportActions} mode={mode} /> }]
      : []),
    {
      id: "hint",
      priority: 10,
      end: true,
      render: (mode) => (mode === "menu" ? null : <span className="toolbar-hint">{t("canvas.selectionHint")}</span>),
    },
    {
      id: "stats",
      priority: 20,
      end: true,
      render: (mode) =>
        mode === "menu" ? null : (
          <span className="toolbar-stats" data-testid={mode === "bar" ? "canvas-stats" : undefined}>
            {t("canvas.stats", { nodes: state.nodeById.size, edges: state.edgeById.size })}
          </span>
        ),
    },
  ];
  const toolbarEnd = <ProblemsToggle problems={problems} open={problemsOpen} onToggle={toggleProblems} />;

  return (
    <div className={`flow-editor${paletteFolded ? " palette-folded" : ""}`} ref={rootRef}>
      <Palette onAdd={onPaletteAdd} onAddLane={onAddLane} folded={paletteFolded} onToggleFold={togglePalette} />
      <div className="flow-main">
        <OverflowToolbar items={toolbarItems} end={toolbarEnd} label={t("canvas.label")} />
        <div className="canvas-row">
          <div
            className="canvas"
            data-testid="canvas"
            ref={canvasRef}
            tabIndex={-1}
            aria-label={t("canvas.label")}
            onPointerMove={onPresence ? onPointerMove : undefined}
          >
            <FlowCanvas
              ref={view}
              nodes={canvasFlow.nodes}
              edges={canvasFlow.edges}
              lanes={canvasFlow.lanes}
              selection={selection}
              problems={problemMarks}
              onSelectionChange={onSelectionChange}
              onMoveNodes={onMoveNodes}
              onResizeNode={onResizeNode}
              onRouteEdge={onRouteEdge}
              onConnect={onConnect}
              onActivate={onActivate}
              onDropKind={onDropKind}
              onViewportChange={onViewportChange}
              readOnly={readOnly}
              ariaLabel={t("canvas.label")}
            />
            <PresenceLayer peers={peers} view={view} container={canvasRef} viewportListeners={viewportListeners} />
            <ExportSaved actions={exportActions} />
            <ProblemTooltip container={canvasRef} elementAt={elementAt} index={problems.index} lookup={lookup} />
            {renamingId && renameTarget && (
              <div className="canvas-rename" style={renameTarget.style}>
                <InlineInput
                  key={renamingId}
                  initial={renameTarget.name}
                  testId="node-rename-input"
                  ariaLabel={t("canvas.rename")}
                  allowEmpty
                  onCommit={(value) => commitRename(renamingId, value)}
                  onCancel={() => {
                    renaming.set(null);
                    focusCanvas();
                  }}
                />
              </div>
            )}
          </div>
          {panelNode && session.documentId && (
            <ElementPanel
              key={panelNode.id}
              backend={backend}
              workspaceId={workspaceId}
              documentId={session.documentId}
              node={panelNode}
              outgoing={panelOutgoing}
              onEdit={edit}
              onClose={closeElementPanel}
              onOpenLink={onOpenLink}
              showError={showError}
            />
          )}
        </div>
        {problemsOpen && (
          <ProblemsPanel
            problems={problems}
            nodeById={state.nodeById}
            edgeById={state.edgeById}
            onPick={onPickProblem}
            onClose={closeProblems}
          />
        )}
      </div>
    </div>
  );
}
