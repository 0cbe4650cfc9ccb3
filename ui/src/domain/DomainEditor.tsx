// The domain model's canvases (领域设计): the context map, and one bounded context's canvas
// (aggregates as frames holding entity and value-object cards, and the event-storming stickies).
//
// Drawing, picking and gestures are the one canvas engine's (ui/src/canvas) with the domain's
// shape set (domainShapes.ts); the canvas input is derived from the model (domainCanvas.ts).
// This component turns gestures into record ops (one list per action, one undo step) and adds
// the palette, the toolbar, the inline rename field, the element panel and the problems list.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError, DomainProblem, DomainProblemCode, ElementKind, SqlDialect } from "../bindings";
import { FlowCanvas, renderPng, renderSvg, type FlowCanvasHandle } from "../canvas";
import { DROP_MIME } from "../canvas/engine";
import { InlineInput } from "../components/InlineInput";
import { AlertIcon, CheckIcon, ChevronIcon, CloseIcon, ErrorIcon } from "../components/icons";
import { PaneToggle } from "../components/PaneToggle";
import { DocumentError } from "../components/DocumentError";
import { useCollapse } from "../components/useCollapse";
import { useEditorKeys } from "../components/useEditorKeys";
import { fileName } from "../flow/ExportButtons";
import type { ConfirmRequest, FocusRequest } from "../flow/FlowEditor";
import { FIT_FRAME, OPEN_FRAME, flowBounds, frameViewport, sessionViewports } from "../flow/framing";
import type { OtherEnd } from "../flow/links";
import { OverflowToolbar, ToolButton, type ItemMode, type ToolbarItem } from "../flow/OverflowToolbar";
import { newId } from "../ids";
import { AREA_PREFIX, contextCanvas, contextMapCanvas, parseDerivedEdge, type DomainLevel } from "./domainCanvas";
import {
  CONTEXT_SIZE,
  applyDomainPatch,
  optimisticPatch,
  ELEMENT_KINDS,
  HAS_ATTRIBUTES,
  attributeRecord,
  contextRecord,
  elementRecord,
  freshName,
  indexModel,
  newAttribute,
  newElement,
  orderAfter,
  relationshipRecord,
  type DomainElement,
  type DomainModel,
  type DomainOp,
  type ModelIndex,
} from "./domainModel";
import { DataModelView } from "./DataModelView";
import { DomainPanel, type PanelTarget } from "./DomainPanel";
import { domainShapes } from "./domainShapes";
import type { DomainSession } from "./useDomainSession";

const DIALECTS: readonly SqlDialect[] = ["postgres", "mysql", "sqlite", "oracle"];
const PNG_SCALE = 2;
const ELEMENT_PANEL_WIDTH = 288;

/** Problems that make the model wrong (the rest are gaps a workshop fills in later). */
const ERROR_CODES: ReadonlySet<DomainProblemCode> = new Set(["aggregateWithoutRoot", "entityWithoutIdentifier", "valueCycle", "unresolvedType", "danglingReference"]);
export const severityOf = (code: DomainProblemCode): "error" | "warning" => (ERROR_CODES.has(code) ? "error" : "warning");

/** Kinds that can sit inside an aggregate's frame (its members). */
const MEMBER_KINDS: ReadonlySet<ElementKind> = new Set(["entity", "valueObject", "enumeration"]);

/** The palette of a context's canvas, in groups. */
const PALETTE: { group: string; kinds: ElementKind[] }[] = [
  { group: "structure", kinds: ["aggregate", "entity", "valueObject", "enumeration"] },
  { group: "behaviour", kinds: ["command", "domainEvent", "policy", "readModel"] },
  { group: "around", kinds: ["domainService", "externalSystem", "actor"] },
];

/** The colour of each kind's palette swatch (the shape set's fills). */
const SWATCH: Record<ElementKind | "context", string> = {
  context: "#eef3fb",
  aggregate: "#fff4c2",
  entity: "#ffffff",
  valueObject: "#f4f7fa",
  enumeration: "#f5f0ff",
  command: "#a9d2ff",
  domainEvent: "#ffb870",
  policy: "#dcc6ff",
  readModel: "#b7e8b0",
  domainService: "#dfe3e8",
  externalSystem: "#ffc4dc",
  actor: "#fff1a0",
};

/** The open domain canvas, for the test hooks (window.__triloop). */
export const openDomainCanvas: {
  view: FlowCanvasHandle | null;
  level: DomainLevel;
  marks: ReadonlyMap<string, "error" | "warning">;
  selection: ReadonlySet<string>;
  select: ((ids: string[]) => void) | null;
} = {
  view: null,
  level: { level: "map" },
  marks: new Map(),
  selection: new Set(),
  select: null,
};

type Props = {
  backend: Backend;
  workspaceId: string;
  documentTitle: string;
  session: DomainSession;
  problemsOpen: boolean;
  onProblemsOpen(open: boolean): void;
  requestConfirm(request: ConfirmRequest): void;
  showError(error: ApiError): void;
  onOpenElement(documentId: string, elementId: string): void;
  focusRequest: FocusRequest | null;
  onFocusHandled(): void;
  readOnly?: boolean;
};

/** The element that shows a problem on a canvas: an attribute's problem is its owner's. */
export function problemHolder(ix: ModelIndex, model: DomainModel, p: DomainProblem): { context: string | null; element: string | null } {
  const attr = model.attributes.find((a) => a.id === p.element);
  const elementId = attr ? attr.owner : p.element;
  const e = ix.element.get(elementId);
  if (e) return { context: e.context, element: e.id };
  if (ix.context.has(p.element)) return { context: p.element, element: null };
  return { context: null, element: null };
}

/** The name a problem's element goes by (a context, element or attribute as "Owner.attribute"), else its id. */
export function problemName(ix: ModelIndex, model: DomainModel, id: string): string {
  const attr = model.attributes.find((a) => a.id === id);
  if (attr) {
    const owner = ix.element.get(attr.owner);
    return owner ? `${owner.name}.${attr.name}` : attr.name;
  }
  return ix.element.get(id)?.name ?? ix.context.get(id)?.name ?? id;
}

/** A lower-camel name for a reference attribute to `target` ("Customer" → "customer"). */
function referenceName(target: string): string {
  const first = target.charAt(0);
  return first.toLowerCase() === first ? target : first.toLowerCase() + target.slice(1);
}

/**
 * What connecting two elements of one context means, as an edit of the source or target's
 * fields; null when the pair has no meaning (the canvas then says so).
 */
export function connectOps(ix: ModelIndex, sourceId: string, targetId: string): DomainOp[] | null {
  const a = ix.element.get(sourceId);
  const b = ix.element.get(targetId);
  if (!a || !b || a.id === b.id) return null;
  const upd = (e: DomainElement): DomainOp => ({ op: "update", record: elementRecord(e) });
  if (a.kind === "command" && b.kind === "aggregate") return [upd({ ...a, handledBy: b.id })];
  if (a.kind === "aggregate" && b.kind === "command") return [upd({ ...b, handledBy: a.id })];
  if ((a.kind === "command" || a.kind === "aggregate" || a.kind === "domainService" || a.kind === "externalSystem") && b.kind === "domainEvent") {
    return a.emits.includes(b.id) ? [] : [upd({ ...a, emits: [...a.emits, b.id] })];
  }
  if (a.kind === "domainEvent" && b.kind === "policy") return [upd({ ...b, trigger: a.id })];
  if (a.kind === "policy" && b.kind === "command") return [upd({ ...a, issues: b.id })];
  if (a.kind === "domainEvent" && b.kind === "readModel") return b.sources.includes(a.id) ? [] : [upd({ ...b, sources: [...b.sources, a.id] })];
  if (HAS_ATTRIBUTES.has(a.kind) && (b.kind === "entity" || b.kind === "valueObject" || b.kind === "enumeration")) {
    const attrs = ix.attributes.get(a.id) ?? [];
    const name = freshName(referenceName(b.name), attrs.map((x) => x.name));
    const attr = { ...newAttribute(newId(), a.id, name, orderAfter(attrs)), dataType: b.kind === "enumeration" ? ("enumeration" as const) : ("reference" as const), target: b.id };
    return [{ op: "add", record: attributeRecord(attr) }];
  }
  return null;
}

/**
 * Where a new shape of size w×h goes: the place nearest `centre` (in rings of 30 units) where it
 * overlaps none of `taken`, so that shapes added one after the other do not pile up.
 */
export function freeSpot(taken: readonly { x: number; y: number; w: number; h: number }[], centre: { x: number; y: number }, w: number, h: number): { x: number; y: number } {
  const gap = 16;
  const free = (x: number, y: number) => taken.every((r) => x + w + gap <= r.x || r.x + r.w + gap <= x || y + h + gap <= r.y || r.y + r.h + gap <= y);
  const x0 = Math.round(centre.x - w / 2);
  const y0 = Math.round(centre.y - h / 2);
  const step = 30;
  for (let ring = 0; ring <= 40; ring++) {
    for (let i = -ring; i <= ring; i++) {
      for (const [dx, dy] of [
        [i, -ring],
        [i, ring],
        [-ring, i],
        [ring, i],
      ]) {
        const x = x0 + dx * step;
        const y = y0 + dy * step;
        if (free(x, y)) return { x, y };
      }
    }
  }
  return { x: x0, y: y0 };
}

/** A new Customer/Supplier relationship from `upstream` to `downstream` (the pattern is changed in the panel). */
function relationshipOp(upstream: string, downstream: string): DomainOp {
  return {
    op: "add",
    record: relationshipRecord({ id: newId(), pattern: "customerSupplier", upstream, downstream, upstreamRoles: [], downstreamRoles: [], name: null, kept: null }),
  };
}

/**
 * "Connect" on a selection: each element to the next in pick order, as one edit. Each pair is
 * read from the model as the pairs before it left it, so that connecting a → b → c where b is
 * changed twice keeps both changes. Contexts on the map get relationships.
 */
export function connectChainOps(model: DomainModel, order: readonly string[]): DomainOp[] {
  const ops: DomainOp[] = [];
  let m = model;
  for (let i = 1; i < order.length; i++) {
    const ix = indexModel(m);
    const [a, b] = [order[i - 1], order[i]];
    const step = ix.context.has(a) && ix.context.has(b) ? (a === b ? null : [relationshipOp(a, b)]) : connectOps(ix, a, b);
    if (!step || step.length === 0) continue;
    ops.push(...step);
    m = applyDomainPatch(m, optimisticPatch(step));
  }
  return ops;
}

/** The aggregate frame whose body holds the centre of `e` (the smallest, if frames overlap). */
function frameAt(elements: readonly DomainElement[], e: { x: number; y: number; w: number; h: number }, except: string): DomainElement | null {
  const cx = e.x + e.w / 2;
  const cy = e.y + e.h / 2;
  let best: DomainElement | null = null;
  for (const f of elements) {
    if (f.kind !== "aggregate" || f.id === except) continue;
    if (cx < f.x || cx > f.x + f.w || cy < f.y || cy > f.y + f.h) continue;
    if (!best || f.w * f.h < best.w * best.h) best = f;
  }
  return best;
}

/** The edit for elements dragged on a context's canvas: new places, and membership of the frame they were dropped in. */
export function moveElementOps(ix: ModelIndex, moves: readonly { id: string; x: number; y: number }[]): DomainOp[] {
  const next = new Map<string, DomainElement>();
  const get = (id: string) => next.get(id) ?? ix.element.get(id);
  for (const m of moves) {
    const e = ix.element.get(m.id);
    if (e) next.set(e.id, { ...e, x: Math.round(m.x), y: Math.round(m.y) });
  }
  for (const m of moves) {
    const e = next.get(m.id);
    // A member dragged along with its frame stays a member; dropped elsewhere it joins the frame it lies in.
    if (!e || !MEMBER_KINDS.has(e.kind) || (e.aggregate !== null && next.has(e.aggregate))) continue;
    const frames = (ix.elements.get(e.context) ?? []).map((f) => next.get(f.id) ?? f);
    const aggregate = frameAt(frames, e, e.id)?.id ?? null;
    if (aggregate === e.aggregate) continue;
    const old = e.aggregate ? get(e.aggregate) : undefined;
    if (old && old.root === e.id) next.set(old.id, { ...old, root: null });
    next.set(e.id, { ...e, aggregate });
  }
  const ops: DomainOp[] = [];
  for (const e of next.values()) {
    const before = ix.element.get(e.id);
    if (before && before.x === e.x && before.y === e.y && before.aggregate === e.aggregate && before.root === e.root) continue;
    ops.push({ op: "update", record: elementRecord(e) });
  }
  return ops;
}

type ProblemEntry = { problem: DomainProblem; severity: "error" | "warning"; name: string; context: string | null; element: string | null };

export function DomainEditor({
  backend,
  workspaceId,
  documentTitle,
  session,
  problemsOpen,
  onProblemsOpen,
  requestConfirm,
  showError,
  onOpenElement,
  focusRequest,
  onFocusHandled,
  readOnly = false,
}: Props) {
  const { t } = useTranslation();
  const documentId = session.documentId ?? "";
  const { model, edit } = session;
  const rootRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const view = useRef<FlowCanvasHandle>(null);
  const [level, setLevel] = useState<DomainLevel>({ level: "map" });
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [renaming, setRenaming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialect, setDialect] = useState<SqlDialect>("postgres");
  const [busy, setBusy] = useState(false);
  // The derived data model's tables, shown in place of the canvas.
  const [dataModelOpen, setDataModelOpen] = useState(false);
  const [paletteFolded, togglePalette] = useCollapse("palette");
  const modelRef = useRef(model);
  modelRef.current = model;

  const ix = useMemo(() => indexModel(model), [model]);
  const ixRef = useRef(ix);
  ixRef.current = ix;

  // A context deleted (here, by undo, or by a peer) takes its canvas with it.
  const contextId = level.level === "context" && ix.context.has(level.contextId) ? level.contextId : null;
  const levelKey = contextId ? `context:${contextId}` : "map";
  useEffect(() => {
    if (level.level === "context" && !contextId && session.status === "ready") setLevel({ level: "map" });
  }, [contextId, level, session.status]);

  const canvas = useMemo(() => (contextId ? contextCanvas(ix, contextId, t) : contextMapCanvas(model, ix, t)), [model, ix, contextId, t]);
  const canvasRef2 = useRef(canvas);
  canvasRef2.current = canvas;

  // Selection keeps only what the canvas shows.
  const shownSelection = useMemo(() => {
    const ids = new Set<string>();
    const present = new Set([...canvas.nodes.map((n) => n.id), ...canvas.edges.map((e) => e.id)]);
    for (const id of selection) if (present.has(id)) ids.add(id);
    return ids;
  }, [selection, canvas]);

  // --- problems: marks on the canvas and the list ---

  const entries = useMemo<ProblemEntry[]>(
    () =>
      session.problems.map((p) => {
        const holder = problemHolder(ix, model, p);
        return { problem: p, severity: severityOf(p.code), name: problemName(ix, model, p.element), ...holder };
      }),
    [session.problems, ix, model],
  );
  const marks = useMemo(() => {
    const out = new Map<string, "error" | "warning">();
    const mark = (id: string, s: "error" | "warning") => {
      if (out.get(id) !== "error") out.set(id, s);
    };
    for (const e of entries) {
      if (contextId) {
        if (e.context === contextId && e.element) mark(e.element, e.severity);
      } else if (e.context) mark(e.context, e.severity);
    }
    return out;
  }, [entries, contextId]);

  useEffect(() => {
    openDomainCanvas.view = view.current;
    openDomainCanvas.level = contextId ? { level: "context", contextId } : { level: "map" };
    openDomainCanvas.marks = marks;
    openDomainCanvas.selection = shownSelection;
    openDomainCanvas.select = onSelectionChange;
  });
  useEffect(
    () => () => {
      openDomainCanvas.view = null;
      openDomainCanvas.marks = new Map();
      openDomainCanvas.level = { level: "map" };
      openDomainCanvas.selection = new Set();
      openDomainCanvas.select = null;
    },
    [],
  );

  const focusCanvas = useCallback(() => canvasRef.current?.focus({ preventScroll: true }), []);

  // --- framing: per document and level, the view a person left; else the whole canvas ---

  const viewKey = `${documentId}#${levelKey}`;
  const framedKey = useRef<string | null>(null);
  const frame = useCallback(
    (fit: boolean) => {
      const el = canvasRef.current;
      const v = view.current;
      if (!el || !v) return;
      const { width, height } = el.getBoundingClientRect();
      const c = canvasRef2.current;
      const b = flowBounds(c.nodes, c.edges);
      if (!b || width <= 0 || height <= 0) {
        v.setViewport({ x: 80, y: 60, zoom: 1 });
        return;
      }
      v.setViewport(frameViewport(b, width, height, fit ? FIT_FRAME : OPEN_FRAME));
    },
    [],
  );
  const onViewportChange = useCallback(
    (vp: { x: number; y: number; zoom: number }) => {
      if (framedKey.current === viewKey) sessionViewports.set(viewKey, vp);
    },
    [viewKey],
  );

  const focusElement = useCallback((id: string) => {
    const v = view.current;
    const el = canvasRef.current;
    const n = canvasRef2.current.nodes.find((x) => x.id === id);
    if (!v || !el || !n) return;
    const zoom = Math.max(v.getViewport().zoom, 0.8);
    v.setViewport({ x: (el.clientWidth - ELEMENT_PANEL_WIDTH) / 2 - (n.x + n.w / 2) * zoom, y: el.clientHeight / 2 - (n.y + n.h / 2) * zoom, zoom });
  }, []);

  const pendingFocus = useRef<string | null>(null);
  // A link followed from elsewhere opens the element's canvas and selects it.
  useEffect(() => {
    if (!focusRequest || focusRequest.documentId !== documentId || session.status !== "ready") return;
    const e = ix.element.get(focusRequest.elementId);
    if (e) {
      setLevel({ level: "context", contextId: e.context });
      setSelection(new Set([e.id]));
    } else if (ix.context.has(focusRequest.elementId)) {
      setLevel({ level: "map" });
      setSelection(new Set([focusRequest.elementId]));
    }
    pendingFocus.current = focusRequest.elementId;
    onFocusHandled();
  }, [focusRequest, documentId, session.status, ix, onFocusHandled]);

  useEffect(() => {
    if (session.status !== "ready" || framedKey.current === viewKey) return;
    framedKey.current = viewKey;
    const kept = sessionViewports.get(viewKey);
    if (pendingFocus.current && canvas.nodes.some((n) => n.id === pendingFocus.current)) {
      frame(false);
      focusElement(pendingFocus.current);
      pendingFocus.current = null;
    } else if (kept) view.current?.setViewport(kept);
    else frame(false);
  }, [session.status, viewKey, canvas, frame, focusElement]);

  // --- navigation ---

  const openContext = useCallback((id: string) => {
    setRenaming(null);
    setLevel({ level: "context", contextId: id });
    setSelection(new Set());
  }, []);
  const backToMap = useCallback(() => {
    setRenaming(null);
    const from = contextId;
    setLevel({ level: "map" });
    setSelection(from ? new Set([from]) : new Set());
  }, [contextId]);

  // --- adding ---

  const viewCentre = useCallback(() => {
    const el = canvasRef.current;
    const r = el?.getBoundingClientRect();
    const width = r && r.width > 0 ? r.width : 800;
    const height = r && r.height > 0 ? r.height : 600;
    const c = view.current?.clientToFlow((r?.left ?? 0) + width / 2, (r?.top ?? 0) + height / 2) ?? { x: 0, y: 0 };
    return c;
  }, []);

  const addContextAt = useCallback(
    (centre: { x: number; y: number }) => {
      const m = modelRef.current;
      const { x, y } = freeSpot(m.contexts, centre, CONTEXT_SIZE.w, CONTEXT_SIZE.h);
      // Dropped inside a subdomain's area, it belongs to that subdomain.
      const area = canvasRef2.current.nodes.find(
        (n) => n.id.startsWith(AREA_PREFIX) && centre.x >= n.x && centre.x <= n.x + n.w && centre.y >= n.y && centre.y <= n.y + n.h,
      );
      const id = newId();
      edit([
        {
          op: "add",
          record: contextRecord({
            id,
            name: freshName(t("domain.newContextName"), m.contexts.map((c) => c.name)),
            subdomain: area ? area.id.slice(AREA_PREFIX.length) : null,
            vision: null,
            x,
            y,
            w: CONTEXT_SIZE.w,
            h: CONTEXT_SIZE.h,
            kept: null,
          }),
        },
      ]);
      setSelection(new Set([id]));
      setRenaming(id);
    },
    [edit, t],
  );

  const addElementAt = useCallback(
    (kind: ElementKind, centre: { x: number; y: number }) => {
      if (!contextId) return;
      const siblings = ixRef.current.elements.get(contextId) ?? [];
      const name = freshName(t(`domain.newName.${kind}`), siblings.map((e) => e.name));
      const base = newElement(newId(), contextId, kind, name, 0, 0);
      // Members may go inside a frame (they join it); anything else keeps clear of frames too.
      const taken = siblings.filter((x) => x.kind !== "aggregate" || !MEMBER_KINDS.has(kind));
      const e: DomainElement = { ...base, ...freeSpot(taken, centre, base.w, base.h) };
      const ops: DomainOp[] = [];
      if (MEMBER_KINDS.has(kind)) e.aggregate = frameAt(siblings, e, e.id)?.id ?? null;
      if (kind === "aggregate") {
        // An aggregate comes with its root entity (named as the aggregate, with an identifier).
        const root = newElement(newId(), contextId, "entity", name, e.x + 30, e.y + 60);
        root.aggregate = e.id;
        e.root = root.id;
        const idAttr = { ...newAttribute(newId(), root.id, "id", 1), identifier: true, required: true };
        ops.push({ op: "add", record: elementRecord(e) }, { op: "add", record: elementRecord(root) }, { op: "add", record: attributeRecord(idAttr) });
      } else {
        ops.push({ op: "add", record: elementRecord(e) });
        if (kind === "entity") ops.push({ op: "add", record: attributeRecord({ ...newAttribute(newId(), e.id, "id", 1), identifier: true, required: true }) });
      }
      edit(ops);
      setSelection(new Set([e.id]));
      setRenaming(e.id);
    },
    [contextId, edit, t],
  );

  const onPaletteAdd = useCallback(
    (kind: ElementKind | "context") => {
      if (kind === "context") addContextAt(viewCentre());
      else addElementAt(kind, viewCentre());
    },
    [addContextAt, addElementAt, viewCentre],
  );
  const onDropKind = useCallback(
    (kind: string, x: number, y: number) => {
      if (kind === "context" && !contextId) addContextAt({ x, y });
      else if (contextId && (ELEMENT_KINDS as readonly string[]).includes(kind)) addElementAt(kind as ElementKind, { x, y });
    },
    [addContextAt, addElementAt, contextId],
  );

  // --- gestures become edits ---

  const onMoveNodes = useCallback(
    (moves: { id: string; x: number; y: number }[]) => {
      const cur = ixRef.current;
      if (!contextId) {
        const ops: DomainOp[] = [];
        for (const mv of moves) {
          const c = cur.context.get(mv.id);
          if (!c) continue;
          const x = Math.round(mv.x);
          const y = Math.round(mv.y);
          if (c.x !== x || c.y !== y) ops.push({ op: "update", record: contextRecord({ ...c, x, y }) });
        }
        edit(ops);
        return;
      }
      edit(moveElementOps(cur, moves));
    },
    [contextId, edit],
  );

  const onResizeNode = useCallback(
    (r: { id: string; x: number; y: number; w: number; h: number }) => {
      const cur = ixRef.current;
      const box = { x: Math.round(r.x), y: Math.round(r.y), w: Math.max(1, Math.round(r.w)), h: Math.max(1, Math.round(r.h)) };
      const c = cur.context.get(r.id);
      if (c && !contextId) edit([{ op: "update", record: contextRecord({ ...c, ...box }) }]);
      const e = cur.element.get(r.id);
      if (e && contextId) edit([{ op: "update", record: elementRecord({ ...e, ...box }) }]);
    },
    [contextId, edit],
  );

  const flash = useCallback((text: string) => {
    setNotice(text);
    window.setTimeout(() => setNotice((n) => (n === text ? null : n)), 4000);
  }, []);

  const onConnect = useCallback(
    (source: string, target: string) => {
      const cur = ixRef.current;
      if (!contextId) {
        if (!cur.context.has(source) || !cur.context.has(target) || source === target) return;
        edit([relationshipOp(source, target)]);
        return;
      }
      const ops = connectOps(cur, source, target);
      if (ops === null) {
        const a = cur.element.get(source);
        const b = cur.element.get(target);
        if (a && b) flash(t("domain.cannotConnect", { from: t(`domain.kindCaption.${a.kind}`), to: t(`domain.kindCaption.${b.kind}`) }));
        return;
      }
      edit(ops);
    },
    [contextId, edit, flash, t],
  );

  const onActivate = useCallback(
    (id: string) => {
      if (!contextId && ixRef.current.context.has(id)) openContext(id);
      else if (!readOnly && !id.startsWith(AREA_PREFIX) && !parseDerivedEdge(id)) setRenaming(id);
    },
    [contextId, openContext, readOnly],
  );

  const deleteSelection = useCallback(() => {
    if (readOnly) return;
    const cur = ixRef.current;
    const m = modelRef.current;
    const ids = [...shownSelection];
    const removed = new Set<string>();
    const ops: DomainOp[] = [];
    const updated = new Map<string, DomainElement>();
    const get = (id: string) => updated.get(id) ?? cur.element.get(id);
    for (const id of ids) {
      if (cur.context.has(id) || cur.element.has(id) || m.relationships.some((r) => r.id === id)) {
        removed.add(id);
        ops.push({ op: "remove", id });
      }
    }
    for (const id of ids) {
      const d = parseDerivedEdge(id);
      if (!d) continue;
      if (d.kind === "ref") {
        ops.push({ op: "remove", id: d.attribute });
        continue;
      }
      if (removed.has(d.element)) continue;
      const e = get(d.element);
      if (!e) continue;
      if (d.kind === "handles") updated.set(e.id, { ...e, handledBy: null });
      else if (d.kind === "triggers") updated.set(e.id, { ...e, trigger: null });
      else if (d.kind === "issues") updated.set(e.id, { ...e, issues: null });
      else if (d.kind === "emits") updated.set(e.id, { ...e, emits: e.emits.filter((x) => x !== d.other) });
      else if (d.kind === "feeds") updated.set(e.id, { ...e, sources: e.sources.filter((x) => x !== d.other) });
    }
    for (const e of updated.values()) ops.push({ op: "update", record: elementRecord(e) });
    if (ops.length === 0) return;
    const contexts = ids.filter((id) => cur.context.has(id));
    const run = () => {
      setSelection(new Set());
      edit(ops);
    };
    // A bounded context holds a whole canvas: removing one asks first.
    const held = contexts.reduce((k, id) => k + (cur.elements.get(id)?.length ?? 0), 0);
    if (held > 0) {
      requestConfirm({
        title: t("domain.confirmDeleteTitle"),
        message: t("domain.confirmDelete", { names: contexts.map((id) => cur.context.get(id)?.name).join(", "), count: held }),
        onConfirm: run,
      });
    } else run();
  }, [edit, readOnly, requestConfirm, shownSelection, t]);

  const renameSelected = useCallback(() => {
    const id = [...shownSelection].find((x) => !x.startsWith(AREA_PREFIX) && !parseDerivedEdge(x));
    if (id) setRenaming(id);
  }, [shownSelection]);

  const currentName = useCallback((id: string): string | undefined => {
    const cur = ixRef.current;
    return cur.element.get(id)?.name ?? cur.context.get(id)?.name ?? modelRef.current.relationships.find((r) => r.id === id)?.name ?? undefined;
  }, []);

  const commitRename = useCallback(
    (id: string, value: string) => {
      setRenaming(null);
      focusCanvas();
      const name = value.trim();
      const cur = ixRef.current;
      const e = cur.element.get(id);
      const c = cur.context.get(id);
      const r = modelRef.current.relationships.find((x) => x.id === id);
      if (e && name && e.name !== name) {
        const ops: DomainOp[] = [{ op: "update", record: elementRecord({ ...e, name }) }];
        // An aggregate's root still named as the aggregate was is renamed with it.
        const root = e.kind === "aggregate" && e.root ? cur.element.get(e.root) : undefined;
        if (root && root.name === e.name) ops.push({ op: "update", record: elementRecord({ ...root, name }) });
        edit(ops);
      }
      else if (c && name && c.name !== name) edit([{ op: "update", record: contextRecord({ ...c, name }) }]);
      else if (r && (r.name ?? "") !== name) edit([{ op: "update", record: relationshipRecord({ ...r, name: name || null }) }]);
    },
    [edit, focusCanvas],
  );

  // "Connect" links the selected elements in the order they were picked.
  const selectionOrder = useRef<string[]>([]);
  const onSelectionChange = useCallback((ids: string[]) => {
    const kept = selectionOrder.current.filter((id) => ids.includes(id));
    selectionOrder.current = [...kept, ...ids.filter((id) => !kept.includes(id))];
    setSelection(new Set(ids));
  }, []);
  const connectSelected = useCallback(() => {
    const chosen = [...shownSelection].filter((id) => !id.startsWith(AREA_PREFIX) && !parseDerivedEdge(id) && (ixRef.current.element.has(id) || ixRef.current.context.has(id)));
    const order = [...selectionOrder.current.filter((id) => chosen.includes(id)), ...chosen.filter((id) => !selectionOrder.current.includes(id))];
    const ops = connectChainOps(modelRef.current, order);
    if (ops.length > 0) edit(ops);
    else if (order.length >= 2) {
      const a = ixRef.current.element.get(order[0]);
      const b = ixRef.current.element.get(order[1]);
      if (a && b) flash(t("domain.cannotConnect", { from: t(`domain.kindCaption.${a.kind}`), to: t(`domain.kindCaption.${b.kind}`) }));
    }
  }, [edit, flash, shownSelection, t]);

  // --- keyboard ---

  useEditorKeys(rootRef, {
    undo: () => session.undo(),
    redo: () => session.redo(),
    deleteSelection,
    renameSelection: renameSelected,
    // Escape clears the selection; with nothing selected it goes back to the context map.
    escape: (inPanel) => {
      if (shownSelection.size === 0 && contextId) backToMap();
      else setSelection(new Set());
      if (inPanel) focusCanvas();
    },
  });

  // --- files ---

  const saveFile = useCallback(
    async (ext: string, write: (path: string) => Promise<{ status: "ok" } | { status: "error"; error: ApiError }>) => {
      setBusy(true);
      try {
        const chosen = await backend.chooseSavePath(fileName(documentTitle || "domain", ext as "svg"));
        if (chosen.status !== "ok") return showError(chosen.error);
        if (!chosen.data) return;
        const res = await write(chosen.data);
        if (res.status !== "ok") return showError(res.error);
        flash(t("bpmnFile.saved", { path: chosen.data }));
      } catch (e) {
        showError({ code: "internal", detail: e instanceof Error ? e.message : String(e) });
      } finally {
        setBusy(false);
      }
    },
    [backend, documentTitle, flash, showError, t],
  );
  const exportPicture = useCallback(
    (format: "svg" | "png") =>
      saveFile(format, async (path) => {
        const c = canvasRef2.current;
        const bytes =
          format === "svg"
            ? new TextEncoder().encode(renderSvg(c.nodes, c.edges, [], { shapes: domainShapes }))
            : new Uint8Array(await (await renderPng(c.nodes, c.edges, [], PNG_SCALE, { shapes: domainShapes })).arrayBuffer());
        return backend.savePicture(path, Array.from(bytes));
      }),
    [backend, saveFile],
  );

  // --- what is selected ---

  const single = shownSelection.size === 1 ? [...shownSelection][0] : null;
  const panelTarget = useMemo<PanelTarget | null>(() => {
    if (!single) return null;
    if (single.startsWith(AREA_PREFIX)) {
      const s = ix.subdomain.get(single.slice(AREA_PREFIX.length));
      return s ? { type: "subdomain", record: s } : null;
    }
    const c = ix.context.get(single);
    if (c) return { type: "context", record: c };
    const e = ix.element.get(single);
    if (e) return { type: "element", record: e };
    const r = model.relationships.find((x) => x.id === single);
    if (r) return { type: "relationship", record: r };
    return null;
  }, [single, ix, model.relationships]);

  const onOpenLink = useCallback(
    (end: OtherEnd) => {
      if (end.documentId !== documentId) return onOpenElement(end.documentId, end.elementId);
      const e = ixRef.current.element.get(end.elementId);
      if (e) {
        pendingFocus.current = e.id;
        if (contextId === e.context) {
          setSelection(new Set([e.id]));
          focusElement(e.id);
        } else {
          framedKey.current = null;
          setLevel({ level: "context", contextId: e.context });
          setSelection(new Set([e.id]));
        }
      }
    },
    [contextId, documentId, focusElement, onOpenElement],
  );

  const onPickProblem = useCallback(
    (p: ProblemEntry) => {
      const target = p.element ?? p.context;
      if (!target) return;
      if (p.element && p.context && p.context !== contextId) {
        pendingFocus.current = p.element;
        framedKey.current = null;
        setLevel({ level: "context", contextId: p.context });
      } else if (!p.element && contextId) {
        pendingFocus.current = target;
        framedKey.current = null;
        setLevel({ level: "map" });
      } else focusElement(target);
      setSelection(new Set([target]));
    },
    [contextId, focusElement],
  );

  // --- the inline rename field ---

  // Placed after the canvas took the new model (its layout effect runs before this one), so
  // that an element just added is found on screen.
  const [renameStyle, setRenameStyle] = useState<CSSProperties | null>(null);
  useLayoutEffect(() => {
    if (!renaming) return setRenameStyle(null);
    const rect = view.current?.nodeRectOnScreen(renaming) ?? null;
    const box = canvasRef.current?.getBoundingClientRect();
    if (!box || !rect) return setRenameStyle({ left: 16, top: 16, width: 220 });
    const width = Math.max(160, Math.min(rect.width, 320));
    setRenameStyle({ left: rect.left - box.left + rect.width / 2 - width / 2, top: rect.top - box.top + 8, width });
  }, [renaming, canvas]);
  const renameName = renaming ? currentName(renaming) : undefined;

  // --- toolbar ---

  const contextName = contextId ? (ix.context.get(contextId)?.name ?? "") : "";
  const nothing = shownSelection.size === 0;
  const counts = contextId
    ? t("domain.canvas.contextStats", { elements: ix.elements.get(contextId)?.length ?? 0 })
    : t("domain.canvas.mapStats", { contexts: model.contexts.length, relationships: model.relationships.length });
  const items: ToolbarItem[] = [
    {
      id: "crumbs",
      priority: 110,
      render: (mode: ItemMode) =>
        mode === "menu" ? (
          contextId ? (
            <ToolButton mode={mode} testId="domain-back" label={t("domain.backToMap")} title={t("domain.backToMapHint")} onClick={backToMap} />
          ) : null
        ) : (
          <span className="domain-crumbs" data-testid={mode === "bar" ? "domain-crumbs" : undefined} data-level={contextId ? "context" : "map"}>
            {contextId ? (
              mode === "bar" ? (
                <button type="button" className="crumb-link" data-testid="domain-back" title={t("domain.backToMapHint")} onClick={backToMap}>
                  ‹ {t("domain.contextMap")}
                </button>
              ) : (
                <span className="crumb-link">‹ {t("domain.contextMap")}</span>
              )
            ) : (
              <span className="crumb-current">{t("domain.contextMap")}</span>
            )}
            {contextId && (
              <>
                <span className="crumb-sep">›</span>
                <span className="crumb-current" data-testid={mode === "bar" ? "domain-crumb-context" : undefined}>
                  {contextName}
                </span>
              </>
            )}
          </span>
        ),
    },
    ...(!contextId
      ? [
          {
            id: "open",
            priority: 95,
            render: (mode: ItemMode) => (
              <ToolButton
                mode={mode}
                testId="domain-open-context"
                label={t("domain.openContext")}
                title={t("domain.openContextHint")}
                disabled={!(single && ix.context.has(single))}
                onClick={() => single && openContext(single)}
              />
            ),
          },
        ]
      : []),
    {
      id: "connect",
      priority: 70,
      render: (mode) => (
        <ToolButton mode={mode} testId="connect-selected" label={t("canvas.connect")} title={t("domain.connectHint")} disabled={shownSelection.size < 2 || readOnly} onClick={connectSelected} />
      ),
    },
    {
      id: "rename",
      priority: 80,
      render: (mode) => <ToolButton mode={mode} testId="rename-selected" label={t("canvas.rename")} title={t("canvas.renameHint")} disabled={nothing || readOnly} onClick={renameSelected} />,
    },
    {
      id: "delete",
      priority: 90,
      render: (mode) => (
        <ToolButton mode={mode} testId="delete-selected" label={t("canvas.deleteSelection")} title={t("canvas.deleteSelectionHint")} disabled={nothing || readOnly} onClick={deleteSelection} />
      ),
    },
    { id: "fit", priority: 100, render: (mode) => <ToolButton mode={mode} testId="fit-view" label={t("canvas.fit")} title={t("canvas.fitHint")} onClick={() => frame(true)} /> },
    {
      id: "pictures",
      priority: 50,
      render: (mode) => (
        <span className={mode === "menu" ? "menu-group" : "export-buttons"} role={mode === "measure" ? undefined : "group"}>
          <span className={mode === "menu" ? "menu-group-title" : "toolbar-label"}>{t("bpmnFile.exportLabel")}</span>
          <ToolButton mode={mode} testId="export-svg" label={t("bpmnFile.exportSvg")} title={t("domain.exportSvgHint")} disabled={busy} onClick={() => void exportPicture("svg")} />
          <ToolButton mode={mode} testId="export-png" label={t("bpmnFile.exportPng")} title={t("domain.exportPngHint")} disabled={busy} onClick={() => void exportPicture("png")} />
          <ToolButton mode={mode} testId="export-cml" label={t("domain.exportCml")} title={t("domain.exportCmlHint")} disabled={busy} onClick={() => void saveFile("cml", (p) => backend.exportCmlFile(documentId, p))} />
        </span>
      ),
    },
    {
      id: "ddl",
      priority: 55,
      render: (mode) =>
        mode === "measure" ? (
          <span className="export-buttons">
            <span className="domain-dialect">{t(`domain.dialects.${dialect}`)} ▾</span>
            <span className="tool-button">{t("domain.exportDdl")}</span>
          </span>
        ) : (
          <span className={mode === "menu" ? "menu-group" : "export-buttons"} role="group" aria-label={t("domain.exportDdl")}>
            <select className="domain-dialect" data-testid="ddl-dialect" aria-label={t("domain.dialect")} value={dialect} onChange={(e) => setDialect(e.target.value as SqlDialect)}>
              {DIALECTS.map((d) => (
                <option key={d} value={d}>
                  {t(`domain.dialects.${d}`)}
                </option>
              ))}
            </select>
            <ToolButton
              mode={mode}
              testId="export-ddl"
              label={t("domain.exportDdl")}
              title={t("domain.exportDdlHint")}
              disabled={busy}
              onClick={() => void saveFile(`${dialect}.sql`, (p) => backend.exportDdlFile(documentId, dialect, p))}
            />
          </span>
        ),
    },
    {
      id: "dataModel",
      priority: 85,
      render: (mode) => (
        <ToolButton
          mode={mode}
          testId="domain-data-model"
          label={dataModelOpen ? t("domain.showCanvas") : t("domain.showDataModel")}
          title={t("domain.showDataModelHint")}
          onClick={() => {
            framedKey.current = null;
            setDataModelOpen((o) => !o);
          }}
        />
      ),
    },
    {
      id: "stats",
      priority: 20,
      end: true,
      render: (mode) =>
        mode === "menu" ? null : (
          <span className="toolbar-stats" data-testid={mode === "bar" ? "canvas-stats" : undefined}>
            {counts}
          </span>
        ),
    },
  ];

  const errors = entries.filter((e) => e.severity === "error").length;
  const worst = entries.length === 0 ? null : errors > 0 ? "error" : "warning";
  const toolbarEnd = (
    <button
      type="button"
      className={`tool-button problems-toggle${worst ? ` has-${worst}` : ""}${problemsOpen ? " is-open" : ""}`}
      data-testid="problems-toggle"
      data-count={entries.length}
      aria-expanded={problemsOpen}
      title={t("problems.toggleHint")}
      onClick={() => onProblemsOpen(!problemsOpen)}
    >
      {worst ? <SeverityGlyph severity={worst} /> : <CheckIcon size={14} />}
      <span className="problems-toggle-label">
        {entries.length === 0 ? t("problems.none") : entries.length === 1 ? t("problems.countOne") : t("problems.count", { count: entries.length })}
      </span>
      <ChevronIcon size={12} up={!problemsOpen} />
    </button>
  );

  if (session.status === "error" && session.loadError) {
    return <DocumentError title={documentTitle} error={session.loadError} onRetry={session.refresh} />;
  }
  if (session.status !== "ready") {
    return (
      <div className="pane-center">
        <p className="pane-message">{t("canvas.loading")}</p>
      </div>
    );
  }

  return (
    <div className={`flow-editor domain-editor${paletteFolded ? " palette-folded" : ""}`} ref={rootRef} data-testid="domain-editor" data-document-id={documentId} data-level={contextId ? "context" : "map"}>
      <DomainPalette level={contextId ? "context" : "map"} disabled={readOnly} folded={paletteFolded} onToggleFold={togglePalette} onAdd={onPaletteAdd} />
      <div className="flow-main">
        <OverflowToolbar items={items} end={toolbarEnd} label={t("domain.canvas.label")} />
        {dataModelOpen && documentId && (
          <div className="canvas-row domain-data-model-row">
            <DataModelView
              backend={backend}
              documentId={documentId}
              model={model}
              readOnly={readOnly}
              onEdit={edit}
              onClose={() => {
                framedKey.current = null;
                setDataModelOpen(false);
              }}
              refreshKey={model}
            />
          </div>
        )}
        <div className="canvas-row" hidden={dataModelOpen}>
          <div className="canvas" data-testid="canvas" ref={canvasRef} tabIndex={-1} aria-label={t("domain.canvas.label")}>
            <FlowCanvas
              key={levelKey}
              ref={view}
              shapes={domainShapes}
              nodes={canvas.nodes}
              edges={canvas.edges}
              lanes={NO_LANES}
              selection={shownSelection}
              problems={marks}
              readOnly={readOnly}
              onSelectionChange={onSelectionChange}
              onMoveNodes={onMoveNodes}
              onResizeNode={onResizeNode}
              onConnect={onConnect}
              onActivate={onActivate}
              onDropKind={onDropKind}
              onViewportChange={onViewportChange}
              ariaLabel={contextId ? t("domain.canvas.contextLabel", { name: contextName }) : t("domain.contextMap")}
            />
            {canvas.nodes.length === 0 && (
              <p className="canvas-empty" data-testid="domain-empty">
                {contextId ? t("domain.emptyContext") : t("domain.emptyMap")}
              </p>
            )}
            {notice && (
              <div className="export-saved" data-testid="domain-notice" role="status">
                {notice}
              </div>
            )}
            {renaming && renameStyle && renameName !== undefined && (
              <div className="canvas-rename" style={renameStyle}>
                <InlineInput
                  key={renaming}
                  initial={renameName}
                  testId="node-rename-input"
                  ariaLabel={t("canvas.rename")}
                  allowEmpty
                  onCommit={(value) => commitRename(renaming, value)}
                  onCancel={() => {
                    setRenaming(null);
                    focusCanvas();
                  }}
                />
              </div>
            )}
          </div>
          {panelTarget && documentId && (
            <DomainPanel
              key={panelTarget.record.id}
              backend={backend}
              workspaceId={workspaceId}
              documentId={documentId}
              model={model}
              ix={ix}
              target={panelTarget}
              readOnly={readOnly}
              onEdit={edit}
              onClose={() => {
                setSelection(new Set());
                focusCanvas();
              }}
              onOpenLink={onOpenLink}
              showError={showError}
            />
          )}
        </div>
        {problemsOpen && (
          <section className="problems-panel" id="problems-panel" data-testid="problems-panel" aria-label={t("problems.title")}>
            <header className="problems-header">
              <span className="problems-title">{t("problems.title")}</span>
              {entries.length > 0 && <span className="problems-count">{entries.length}</span>}
              <span className="toolbar-spacer" />
              <button type="button" className="icon-button" data-testid="problems-close" title={t("problems.close")} aria-label={t("problems.close")} onClick={() => onProblemsOpen(false)}>
                <CloseIcon size={14} />
              </button>
            </header>
            {entries.length === 0 ? (
              <p className="problems-empty" data-testid="problems-empty">
                <CheckIcon size={14} />
                {t("problems.noneLong")}
              </p>
            ) : (
              <ul className="problems-list">
                {entries.slice(0, 300).map((p) => (
                  <li key={`${p.problem.code}:${p.problem.element}`}>
                    <button
                      type="button"
                      className="problem-item"
                      data-testid="problem-item"
                      data-code={p.problem.code}
                      data-element={p.problem.element}
                      data-severity={p.severity}
                      onClick={() => onPickProblem(p)}
                    >
                      <SeverityGlyph severity={p.severity} />
                      <span className="problem-message">{t(`domain.problem.${p.problem.code}`, { name: p.name })}</span>
                      {p.context && <span className="problem-where">{ix.context.get(p.context)?.name}</span>}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </div>
    </div>
  );
}

const NO_LANES: never[] = [];

function SeverityGlyph({ severity }: { severity: "error" | "warning" }) {
  return <span className={`severity-icon severity-${severity}`}>{severity === "error" ? <ErrorIcon size={14} /> : <AlertIcon size={14} />}</span>;
}

/** The palette: bounded contexts on the context map; the eleven element kinds on a context's canvas. */
function DomainPalette({
  level,
  disabled,
  folded,
  onToggleFold,
  onAdd,
}: {
  level: "map" | "context";
  disabled: boolean;
  folded: boolean;
  onToggleFold(): void;
  onAdd(kind: ElementKind | "context"): void;
}) {
  const { t } = useTranslation();
  const groups: { group: string; kinds: (ElementKind | "context")[] }[] = level === "map" ? [{ group: "map", kinds: ["context"] }] : PALETTE;
  const label = (k: ElementKind | "context") => (k === "context" ? t("domain.canvas.contextCaption") : t(`domain.kindCaption.${k}`));
  return (
    <aside className={`palette${folded ? " is-folded" : ""}`} aria-label={t("palette.title")} data-testid="palette" data-folded={folded}>
      <div className="palette-title" title={t("palette.hint")}>
        <PaneToggle testId="palette-toggle" folded={folded} label={folded ? t("palette.expand") : t("palette.collapse")} onToggle={onToggleFold} />
        <span className="palette-title-text">{t("palette.title")}</span>
      </div>
      {groups.map(({ group, kinds }) => (
        <div className="palette-group" key={group}>
          <div className="palette-group-title">{t(`domain.paletteGroup.${group}`)}</div>
          {kinds.map((kind) => (
            <button
              key={kind}
              type="button"
              className="palette-item"
              data-testid={`palette-${kind}`}
              title={`${label(kind)} — ${t("palette.hint")}`}
              aria-label={label(kind)}
              disabled={disabled}
              draggable={!disabled}
              onClick={() => onAdd(kind)}
              onDragStart={(e) => {
                e.dataTransfer.setData(DROP_MIME, kind);
                e.dataTransfer.setData("text/plain", kind);
                e.dataTransfer.effectAllowed = "copy";
              }}
            >
              <span className="palette-icon">
                <svg className="palette-svg" width="32" height="24" viewBox="0 0 32 24" aria-hidden="true">
                  <rect
                    x="2"
                    y="3"
                    width="28"
                    height="18"
                    rx={kind === "context" ? 6 : 2}
                    fill={SWATCH[kind]}
                    stroke="#5b6b80"
                    strokeDasharray={kind === "aggregate" ? "3 2" : undefined}
                  />
                </svg>
              </span>
              <span className="palette-label">{label(kind)}</span>
            </button>
          ))}
        </div>
      ))}
    </aside>
  );
}
