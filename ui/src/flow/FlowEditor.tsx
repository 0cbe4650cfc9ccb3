// The flow canvas (流程画布): palette, toolbar and the xyflow surface for one business flow.

import { useCallback, useEffect, useMemo, useRef } from "react";
import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  getViewportForBounds,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from "@xyflow/react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError } from "../bindings";
import { DEFAULT_LANE_HEIGHT, makeEdge, makeLane, makeNode, type FlowEdge, type FlowNode, type FlowOp, type Lane, type NodeKind } from "../model";
import { newId } from "../ids";
import { CanvasContext, createRenameStore, type CanvasContextValue } from "./canvasContext";
import { edgeTypes } from "./edges";
import { ElementPanel } from "./ElementPanel";
import { ExportButtons } from "./ExportButtons";
import { selectOnly, type BpmnNode, type SequenceEdge } from "./flowState";
import { NODE_KINDS, NODE_SIZE, PALETTE_MIME } from "./kinds";
import { LanesLayer, contentBounds } from "./lanes";
import type { OtherEnd } from "./links";
import { nodeTypes } from "./nodes";
import { Palette } from "./Palette";
import { problemText, type Problem } from "./problems";
import { ProblemsPanel, ProblemsToggle } from "./ProblemsPanel";
import type { FlowProblems } from "./useFlowProblems";
import type { FlowSession } from "./useFlowSession";

/** Above this many nodes the minimap (which draws every node) is left out to keep panning smooth. */
const MINIMAP_MAX_NODES = 2500;
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];
const INITIAL_ZOOM = { min: 0.4, max: 1, padding: 0.05 };
const PRO_OPTIONS = { hideAttribution: false };
/** A node selected under the element panel is panned into view after this (a double click's second click must still land). */
const REVEAL_DELAY_MS = 350;
const REVEAL_MARGIN = 24;
/** The element panel's width (styles.css `.element-panel`): centring leaves room for it. */
const ELEMENT_PANEL_WIDTH = 288;

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
};

export function FlowEditor(props: Props) {
  return (
    <ReactFlowProvider>
      <FlowEditorInner {...props} />
    </ReactFlowProvider>
  );
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

function FlowEditorInner({
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
}: Props) {
  const { t } = useTranslation();
  const rf = useReactFlow<BpmnNode, SequenceEdge>();
  const rootRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const { state, stateRef, selectionOrder, edit, update, select } = session;

  const renaming = useMemo(createRenameStore, []);
  const placement = useRef({ key: "", count: 0 });

  const focusCanvas = useCallback(() => {
    canvasRef.current?.focus({ preventScroll: true });
  }, []);

  const commitRename = useCallback(
    (id: string, name: string) => {
      renaming.set(null);
      const node = stateRef.current.nodeById.get(id);
      const edge = node ? undefined : stateRef.current.edgeById.get(id);
      if (node && node.name !== name) sessionRef.current.edit([{ op: "renameNode", id, name }]);
      if (edge && edge.name !== name) sessionRef.current.edit([{ op: "renameEdge", id, name }]);
      focusCanvas();
    },
    [renaming, stateRef, focusCanvas],
  );

  const context = useMemo<CanvasContextValue>(
    () => ({
      renaming,
      commitRename,
      labels: {
        kind: Object.fromEntries(NODE_KINDS.map((k) => [k, t(`nodeKind.${k}`)])) as Record<NodeKind, string>,
        rename: t("canvas.rename"),
      },
      problems: problems.store,
      problemsText: (codes, name) => codes.map((code) => problemText(t, code, name)).join("\n"),
    }),
    [renaming, commitRename, t, problems.store],
  );

  // --- local changes from xyflow: selection, dragging, measurement (never sent to the core) ---

  const onNodesChange = useCallback(
    (changes: NodeChange<BpmnNode>[]) => {
      const local = changes.filter((c) => c.type === "select" || c.type === "position" || c.type === "dimensions");
      if (local.length === 0) return;
      let order = selectionOrder.current;
      for (const c of local) {
        if (c.type !== "select") continue;
        order = order.filter((id) => id !== c.id);
        if (c.selected) order.push(c.id);
      }
      selectionOrder.current = order;
      update((s) => ({ ...s, nodes: applyNodeChanges(local, s.nodes) }));
    },
    [update, selectionOrder],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<SequenceEdge>[]) => {
      const local = changes.filter((c) => c.type === "select");
      if (local.length > 0) update((s) => ({ ...s, edges: applyEdgeChanges(local, s.edges) }));
    },
    [update],
  );

  // --- edits sent to the core ---

  const commitMoves = useCallback(
    (_event: unknown, nodes: BpmnNode[]) => {
      const ops: FlowOp[] = [];
      for (const n of nodes) {
        const model = stateRef.current.nodeById.get(n.id);
        if (!model) continue;
        const x = Math.round(n.position.x);
        const y = Math.round(n.position.y);
        if (model.x !== x || model.y !== y) ops.push({ op: "moveNode", id: n.id, x, y });
      }
      edit(ops);
    },
    [edit, stateRef],
  );
  const onNodeDragStop = useCallback(
    (event: unknown, _node: BpmnNode, nodes: BpmnNode[]) => commitMoves(event, nodes),
    [commitMoves],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.source || !c.target || c.source === c.target) return;
      edit([{ op: "addEdge", edge: makeEdge(newId(), c.source, c.target) }]);
    },
    [edit],
  );

  // Releasing a connection over a node's body (not only near one of its handles) connects too.
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, connection: FinalConnectionState) => {
      if (connection.isValid || !connection.fromNode) return;
      const point = "changedTouches" in event ? event.changedTouches[0] : event;
      if (!point) return;
      const hit = document
        .elementsFromPoint(point.clientX, point.clientY)
        .map((el) => el.closest<HTMLElement>(".react-flow__node"))
        .find((el): el is HTMLElement => !!el);
      const target = hit?.dataset.id;
      const source = connection.fromNode.id;
      if (!target || target === source || !stateRef.current.nodeById.has(target)) return;
      edit([{ op: "addEdge", edge: makeEdge(newId(), source, target) }]);
    },
    [edit, stateRef],
  );

  const isValidConnection = useCallback(
    (c: { source: string | null; target: string | null }) => !!c.source && !!c.target && c.source !== c.target,
    [],
  );

  const addNodeAt = useCallback(
    (kind: NodeKind, centre: { x: number; y: number }) => {
      const size = NODE_SIZE[kind];
      const node: FlowNode = makeNode({
        id: newId(),
        kind,
        name: t(`nodeKind.${kind}`),
        x: Math.round(centre.x - size.w / 2),
        y: Math.round(centre.y - size.h / 2),
        w: size.w,
        h: size.h,
      });
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
    const c = rf.screenToFlowPosition({ x: (r?.left ?? 0) + width / 2, y: (r?.top ?? 0) + height / 2 });
    // Successive clicks at the same view are offset diagonally so new elements do not stack.
    const key = `${Math.round(c.x)},${Math.round(c.y)}`;
    if (placement.current.key !== key) placement.current = { key, count: 0 };
    const step = (placement.current.count++ % 10) * 24;
    return { x: c.x + step, y: c.y + step };
  }, [rf]);

  // Opening a flow frames its nodes and lanes (lane headers included), at most at 100 %;
  // a very large flow opens at its top left part rather than as an unreadable overview.
  const frameFlow = useCallback(
    (duration = 0) => {
      const el = canvasRef.current;
      const bounds = contentBounds(stateRef.current);
      if (!el) return;
      if (!bounds) {
        // An empty flow: put the origin near the top left, where lanes and the first elements go.
        void rf.setViewport({ x: 160, y: 60, zoom: 1 }, { duration });
        return;
      }
      const { width, height } = el.getBoundingClientRect();
      if (width <= 0 || height <= 0) return;
      const vp = getViewportForBounds(bounds, width, height, INITIAL_ZOOM.min, INITIAL_ZOOM.max, INITIAL_ZOOM.padding);
      if (vp.zoom <= INITIAL_ZOOM.min + 1e-6) {
        const pad = 24;
        void rf.setViewport({ x: -bounds.x * vp.zoom + pad, y: -bounds.y * vp.zoom + pad, zoom: vp.zoom }, { duration });
      } else {
        void rf.setViewport(vp, { duration });
      }
    },
    [rf, stateRef],
  );
  // The node last centred on purpose: selecting it needs no panning into view.
  const centred = useRef<string | null>(null);
  const panelOpen = useRef(false);

  // Centres the view on a node (at a readable zoom) and selects only it.
  const focusNode = useCallback(
    (node: FlowNode) => {
      const zoom = Math.max(rf.getZoom(), 0.8);
      // d3's zoom animation needs a canvas with a size (jsdom has none).
      const duration = canvasRef.current?.clientWidth ? 250 : 0;
      // Selecting it opens the element panel, which narrows the canvas if not open yet.
      const room = panelOpen.current ? 0 : ELEMENT_PANEL_WIDTH / 2 / zoom;
      centred.current = node.id;
      select([node.id]);
      void rf.setCenter(node.x + node.w / 2 + room, node.y + node.h / 2, { zoom, duration });
    },
    [rf, select],
  );

  const focusRef = useRef({ focusRequest, onFocusHandled });
  focusRef.current = { focusRequest, onFocusHandled };
  const onInit = useCallback(() => {
    const { focusRequest: request, onFocusHandled: handled } = focusRef.current;
    const node = request && request.documentId === sessionRef.current.documentId ? stateRef.current.nodeById.get(request.elementId) : undefined;
    if (node) {
      const zoom = Math.max(rf.getZoom(), 0.8);
      centred.current = node.id;
      select([node.id]);
      void rf.setCenter(node.x + node.w / 2 + ELEMENT_PANEL_WIDTH / 2 / zoom, node.y + node.h / 2, { zoom });
    } else {
      frameFlow();
    }
    if (request) handled();
  }, [frameFlow, rf, select, stateRef]);

  const onPaletteAdd = useCallback((kind: NodeKind) => addNodeAt(kind, viewCentre()), [addNodeAt, viewCentre]);

  const onAddLane = useCallback(() => {
    const s = stateRef.current;
    let y = 0;
    if (s.lanes.length > 0) {
      y = Math.max(...s.lanes.map((l) => l.y + l.h));
    } else if (s.nodes.length > 0) {
      y = Math.floor((Math.min(...[...s.nodeById.values()].map((n) => n.y)) - 40) / 10) * 10;
    }
    const lane: Lane = makeLane(newId(), t("canvas.defaultLaneName", { n: s.lanes.length + 1 }), y, DEFAULT_LANE_HEIGHT);
    edit([{ op: "addLane", lane }]);
  }, [edit, stateRef, t]);

  const onRenameLane = useCallback((id: string, name: string) => edit([{ op: "renameLane", id, name }]), [edit]);

  const onDeleteLane = useCallback(
    (lane: Lane) =>
      requestConfirm({
        title: t("confirm.deleteLaneTitle"),
        message: t("confirm.deleteLane", { name: lane.name }),
        onConfirm: () => sessionRef.current.edit([{ op: "removeLane", id: lane.id }]),
      }),
    [requestConfirm, t],
  );

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
      ops.push({ op: "addEdge", edge: makeEdge(newId(), order[i - 1], order[i]) });
    }
    edit(ops);
  }, [edit, orderedSelection]);

  const deleteSelection = useCallback(() => {
    const s = stateRef.current;
    const nodeIds = s.nodes.filter((n) => n.selected).map((n) => n.id);
    const removed = new Set(nodeIds);
    const edgeIds = s.edges
      .filter((e) => e.selected && !removed.has(e.source) && !removed.has(e.target))
      .map((e) => e.id);
    const ops: FlowOp[] = [
      ...edgeIds.map((id): FlowOp => ({ op: "removeEdge", id })),
      ...nodeIds.map((id): FlowOp => ({ op: "removeNode", id })),
    ];
    if (ops.length === 0) return;
    selectionOrder.current = [];
    edit(ops);
  }, [edit, stateRef, selectionOrder]);

  const renameSelected = useCallback(() => {
    const order = orderedSelection();
    const id = order[order.length - 1] ?? stateRef.current.edges.find((e) => e.selected)?.id;
    if (id) renaming.set(id);
  }, [orderedSelection, renaming, stateRef]);

  // --- problems: clicking one selects its element and centres the view on it ---

  const onPickProblem = useCallback(
    (p: Problem) => {
      const s = stateRef.current;
      const node = s.nodeById.get(p.element);
      const edge = node ? undefined : s.edgeById.get(p.element);
      const zoom = Math.max(rf.getZoom(), 0.8);
      const duration = canvasRef.current?.clientWidth ? 250 : 0;
      if (node) {
        focusNode(node);
      } else if (edge) {
        const a = s.nodeById.get(edge.source);
        const b = s.nodeById.get(edge.target);
        selectionOrder.current = [];
        update((st) => selectOnly(st, [], [edge.id]));
        if (a && b) {
          const x = (a.x + a.w / 2 + b.x + b.w / 2) / 2;
          const y = (a.y + a.h / 2 + b.y + b.h / 2) / 2;
          void rf.setCenter(x, y, { zoom, duration });
        }
      } else {
        // A problem of the whole flow: frame it as when it opens.
        select([]);
        frameFlow(duration);
      }
    },
    [rf, frameFlow, focusNode, select, selectionOrder, stateRef, update],
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

  const onNodeDoubleClick = useCallback((_e: unknown, node: BpmnNode) => renaming.set(node.id), [renaming]);
  const onEdgeDoubleClick = useCallback((_e: unknown, edge: SequenceEdge) => renaming.set(edge.id), [renaming]);

  // --- keyboard: undo/redo anywhere outside text fields; delete/F2/Escape within the editor ---

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isEditable(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "z" && !e.shiftKey) {
        e.preventDefault();
        sessionRef.current.undo();
        return;
      }
      if (mod && ((key === "z" && e.shiftKey) || key === "y")) {
        e.preventDefault();
        sessionRef.current.redo();
        return;
      }
      const target = e.target as Node | null;
      const inScope = !target || target === document.body || target === document.documentElement || !!rootRef.current?.contains(target);
      if (!inScope || mod || e.altKey) return;
      // On the element panel's buttons, Delete and F2 do not act on the canvas selection.
      const inPanel = target instanceof Element && !!target.closest(".element-panel");
      if (inPanel && e.key !== "Escape") return;
      if (e.key === "Delete" || e.key === "Backspace") {
        e.preventDefault();
        deleteSelection();
      } else if (e.key === "F2") {
        e.preventDefault();
        renameSelected();
      } else if (e.key === "Escape") {
        sessionRef.current.select([]);
        if (inPanel) focusCanvas();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [deleteSelection, renameSelected, focusCanvas]);

  // --- drag and drop from the palette ---

  const onDragOver = useCallback((e: React.DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME) || e.dataTransfer.types.includes("text/plain")) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const kind = (e.dataTransfer.getData(PALETTE_MIME) || e.dataTransfer.getData("text/plain")) as NodeKind;
      if (!(NODE_KINDS as readonly string[]).includes(kind)) return;
      e.preventDefault();
      addNodeAt(kind, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [addNodeAt, rf],
  );

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
  const panelNode = nodeSelection.single ? state.nodeById.get(nodeSelection.single) : undefined;
  panelOpen.current = !!panelNode;
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

  // The element panel narrows the canvas: a node it now hides is panned into view (after the
  // pointer is released, and late enough not to move a node between the clicks of a double click).
  const pointerDown = useRef(false);
  useEffect(() => {
    const up = () => (pointerDown.current = false);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", up);
    return () => {
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", up);
    };
  }, []);
  const onCanvasPointerDown = useCallback(() => (pointerDown.current = true), []);

  const revealNode = useCallback(
    (id: string) => {
      const el = canvasRef.current;
      const node = stateRef.current.nodeById.get(id);
      if (!el || !node || el.clientWidth <= 0) return;
      const { x, y, zoom } = rf.getViewport();
      const left = node.x * zoom + x;
      const right = (node.x + node.w) * zoom + x;
      const overflow = right - (el.clientWidth - REVEAL_MARGIN);
      if (overflow <= 0) return;
      // A node wider than the view keeps its left edge in view.
      const shift = Math.min(overflow, left - REVEAL_MARGIN);
      if (shift > 0) void rf.setViewport({ x: x - shift, y, zoom }, { duration: 200 });
    },
    [rf, stateRef],
  );

  const single = nodeSelection.single;
  useEffect(() => {
    if (!single) return;
    const onPurpose = centred.current === single;
    centred.current = null;
    if (onPurpose) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      timer = setTimeout(() => revealNode(single), REVEAL_DELAY_MS);
    };
    if (!pointerDown.current) {
      schedule();
      return () => clearTimeout(timer);
    }
    window.addEventListener("pointerup", schedule, { once: true });
    return () => {
      window.removeEventListener("pointerup", schedule);
      clearTimeout(timer);
    };
  }, [single, revealNode]);
  const selectedEdges = useMemo(() => state.edges.reduce((k, e) => (e.selected ? k + 1 : k), 0), [state.edges]);

  return (
    <div className="flow-editor" ref={rootRef}>
      <Palette onAdd={onPaletteAdd} onAddLane={onAddLane} />
      <div className="flow-main">
        <div className="canvas-toolbar" role="toolbar" aria-label={t("canvas.label")}>
          <button
            type="button"
            className="tool-button"
            data-testid="connect-selected"
            title={t("canvas.connectHint")}
            disabled={selectedNodes < 2}
            onClick={connectSelected}
          >
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
              <circle cx="3" cy="8" r="2" />
              <path d="M5 8h6" />
              <path d="M10 5l3 3-3 3" />
            </svg>
            {t("canvas.connect")}
          </button>
          <button
            type="button"
            className="tool-button"
            data-testid="rename-selected"
            title={t("canvas.renameHint")}
            disabled={selectedNodes + selectedEdges < 1}
            onClick={renameSelected}
          >
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
              <path d="M3 13l1-3.5L11 2.5l2.5 2.5L6.5 12z" />
            </svg>
            {t("canvas.rename")}
          </button>
          <button
            type="button"
            className="tool-button"
            data-testid="delete-selected"
            title={t("canvas.deleteSelectionHint")}
            disabled={selectedNodes + selectedEdges === 0}
            onClick={deleteSelection}
          >
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
              <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5" />
            </svg>
            {t("canvas.deleteSelection")}
          </button>
          {session.documentId && (
            <ExportButtons
              backend={backend}
              documentId={session.documentId}
              title={documentTitle}
              nodes={() => [...stateRef.current.nodeById.values()]}
              edges={() => [...stateRef.current.edgeById.values()]}
              lanes={() => stateRef.current.lanes}
              showError={showError}
            />
          )}
          <span className="toolbar-spacer" />
          <span className="toolbar-hint">{t("canvas.selectionHint")}</span>
          <span className="toolbar-stats" data-testid="canvas-stats">
            {t("canvas.stats", { nodes: state.nodes.length, edges: state.edges.length })}
          </span>
          <ProblemsToggle problems={problems} open={problemsOpen} onToggle={toggleProblems} />
        </div>
        <div className="canvas-row">
          <div
            className="canvas"
            data-testid="canvas"
            ref={canvasRef}
            tabIndex={0}
            aria-label={t("canvas.label")}
            onDragOver={onDragOver}
            onDrop={onDrop}
            onPointerDownCapture={onCanvasPointerDown}
          >
            <CanvasContext.Provider value={context}>
              <ReactFlow<BpmnNode, SequenceEdge>
                nodes={state.nodes}
                edges={state.edges}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onNodeDragStop={onNodeDragStop}
                onSelectionDragStop={commitMoves}
                onConnect={onConnect}
                onConnectEnd={onConnectEnd}
                isValidConnection={isValidConnection}
                onNodeDoubleClick={onNodeDoubleClick}
                onEdgeDoubleClick={onEdgeDoubleClick}
                connectionMode={ConnectionMode.Loose}
                connectionLineType={ConnectionLineType.SmoothStep}
                deleteKeyCode={null}
                multiSelectionKeyCode={MULTI_SELECT_KEYS}
                selectionKeyCode="Shift"
                zoomOnDoubleClick={false}
                disableKeyboardA11y
                onlyRenderVisibleElements
                minZoom={0.2}
                maxZoom={2.5}
                onInit={onInit}
                proOptions={PRO_OPTIONS}
              >
                <LanesLayer lanes={state.lanes} extent={state.extent} onRename={onRenameLane} onDelete={onDeleteLane} />
                <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#c9d1dc" />
                {state.nodes.length <= MINIMAP_MAX_NODES && (
                  <MiniMap pannable zoomable nodeColor="#c4d2e4" nodeStrokeColor="#7d93b2" maskColor="rgba(236, 240, 245, 0.65)" />
                )}
                <Controls showInteractive={false} />
              </ReactFlow>
            </CanvasContext.Provider>
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
