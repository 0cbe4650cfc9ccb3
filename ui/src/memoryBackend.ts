// An in-memory implementation of the core's command semantics, for vitest and for running
// the UI in a plain browser (no Tauri IPC). Like the core's record kernel, every document is
// collections of records; one generic transaction records each edit's before/after per record,
// so atomicity, undo/redo and patches are written once for every kind. Per kind it holds only
// what the kind's ops mean: the flow's intent ops (removing a node removes its edges), and the
// domain model's record ops with its structural checks and cascades. `contract.test.ts` replays
// transcripts recorded from the real core against it, so the two cannot drift apart unseen. Links (traceability) are kept in
// the document of their `from` element, as the core keeps them; removing an element leaves its
// links, which then resolve as broken.

import type { Backend, Result } from "./backend";
import type {
  ApiError,
  DataModelView_Serialize as DataModelView,
  DocKind,
  DocumentSummary,
  DocOps,
  DocPatch_Serialize as DocPatch,
  DocProblems,
  DocumentView_Serialize as DocumentView,
  DomainRecord_Deserialize as DomainRecordIn,
  DomainRecord_Serialize as DomainRecord,
  EditResult_Serialize as EditResult,
  FlowOp,
  RecordOp,
  Link,
  LinkKind,
  LinkTarget,
  MeetingInvitation,
  MeetingRoom_Serialize as MeetingRoom,
  PresencePeer_Serialize as PresencePeer,
  PlayerBundle_Serialize as PlayerBundle,
  Problem,
  ProblemCode,
  Severity,
  SyncStatus_Serialize as SyncStatus,
  ResolvedLink_Serialize,
  ShelfPart_Serialize as ShelfPart,
  WorkspaceSummary,
  WorkspaceView,
} from "./bindings";
import { makeEdge, makeLane, makeNode, normalizeEdge, normalizeLane, normalizeNode, type FlowEdge, type FlowNode, type FlowPatch, type Lane, type NodeKind } from "./model";
import { newId } from "./ids";
import { NODE_KINDS as ALL_NODE_KINDS, NODE_SIZE } from "./flow/kinds";
import { PROBLEM_CODES } from "./flow/problems";

export type MemoryBackend = Backend & {
  /** Test hook: makes openDocument of this document fail with documentCorrupt. */
  markCorrupt(documentId: string): void;
};

export type MemoryBackendOptions = {
  /** Create the first-start demo workspace (as the core does). */
  demo?: boolean;
  /** Simulated latency of every command, in milliseconds. */
  delayMs?: number;
  /** Also create a workspace with one flow of this many nodes (for trying large flows in a browser). */
  largeFlowNodes?: number;
};

type Rec = { id: string };
/** One edit: the first "before" and the last "after" of every record it touched. */
type Step = Map<string, { coll: string; id: string; before: Rec | undefined; after: Rec | undefined }>;

/** A document's records by collection, and this session's undo and redo steps. */
type Store = { kind: DocKind; colls: Map<string, Map<string, Rec>>; undo: Step[]; redo: Step[] };

type Flow = {
  nodes: Map<string, FlowNode>;
  edges: Map<string, FlowEdge>;
  lanes: Map<string, Lane>;
};

/** The collections of each editable kind (as the core's `init` creates them). */
const KIND_COLLECTIONS: Partial<Record<DocKind, readonly string[]>> = {
  businessFlow: ["nodes", "edges", "lanes"],
  domainModel: ["subdomains", "contexts", "relationships", "elements", "attributes", "overrides", "extras"],
  sandboxPrototype: ["screens", "components", "actions", "walks"],
  capabilityShelf: ["parts"],
};

type Doc = DocumentSummary & {
  workspaceId: string;
  store: Store | null;
  /** For flows: the store's collections, typed. */
  flow: Flow | null;
  corrupt: boolean;
  links: Map<string, Link>;
};
type Workspace = { id: string; name: string; lastOpened: number };

const NODE_KINDS: readonly NodeKind[] = ALL_NODE_KINDS;
const EDGE_KINDS: readonly FlowEdge["kind"][] = ["sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation"];

class OpError extends Error {
  constructor(readonly apiError: ApiError) {
    super(apiError.detail);
  }
}

function fail(code: ApiError["code"], detail: string): never {
  throw new OpError({ code, detail });
}

const NO_NETWORK = "the in-browser preview has no server connection; use the desktop app";

function offline(workspaceId: string): SyncStatus {
  return { workspaceId, serverUrl: null, person: null, readOnly: false, state: "offline", detail: null, lastSyncedAt: null };
}

function ok<T>(data: T): Result<T, ApiError> {
  return { status: "ok", data };
}

function err<T>(code: ApiError["code"], detail: string): Result<T, ApiError> {
  return { status: "error", error: { code, detail } };
}

function emptyStore(kind: DocKind): Store | null {
  const colls = KIND_COLLECTIONS[kind];
  if (!colls) return null;
  return { kind, colls: new Map(colls.map((c) => [c, new Map()])), undo: [], redo: [] };
}

function isNum(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Records the first "before" of every touched record so the change can be rolled back or undone. */
class Tx {
  readonly step: Step = new Map();
  constructor(private readonly store: Store) {}

  private coll(name: string): Map<string, Rec> {
    return this.store.colls.get(name) ?? fail("internal", `no collection ${name}`);
  }
  get(coll: string, id: string): Rec | undefined {
    return this.coll(coll).get(id);
  }
  set<T extends Rec>(coll: string, r: T) {
    const key = `${coll}\u0000${r.id}`;
    if (!this.step.has(key)) this.step.set(key, { coll, id: r.id, before: this.coll(coll).get(r.id), after: undefined });
    this.coll(coll).set(r.id, r);
  }
  delete(coll: string, id: string) {
    const key = `${coll}\u0000${id}`;
    if (!this.step.has(key)) this.step.set(key, { coll, id, before: this.coll(coll).get(id), after: undefined });
    this.coll(coll).delete(id);
  }
  /** Fills in the "after" values; drops entries that ended where they started. */
  finish(): Step {
    for (const [key, c] of this.step) {
      c.after = this.coll(c.coll).get(c.id);
      if (c.before === undefined && c.after === undefined) this.step.delete(key);
    }
    return this.step;
  }
  rollback() {
    for (const c of this.step.values()) {
      if (c.before === undefined) this.coll(c.coll).delete(c.id);
      else this.coll(c.coll).set(c.id, c.before);
    }
  }
}

function applyOp(flow: Flow, tx: Tx, op: FlowOp) {
  switch (op.op) {
    case "addNode": {
      const n = op.node;
      if (!n || typeof n.id !== "string" || !n.id) fail("invalidInput", "addNode: missing id");
      if (flow.nodes.has(n.id)) fail("invalidInput", `addNode: node ${n.id} already exists`);
      if (!NODE_KINDS.includes(n.kind)) fail("invalidInput", `addNode: unknown kind ${String(n.kind)}`);
      if (!isNum(n.x) || !isNum(n.y) || !isNum(n.w) || !isNum(n.h) || n.w <= 0 || n.h <= 0) {
        fail("invalidInput", "addNode: bad geometry");
      }
      tx.set("nodes", normalizeNode({ ...n, name: String(n.name ?? "") }));
      return;
    }
    case "removeNode": {
      if (!flow.nodes.has(op.id)) fail("notFound", `removeNode: no node ${op.id}`);
      for (const e of [...flow.edges.values()]) {
        if (e.source === op.id || e.target === op.id) tx.delete("edges", e.id);
      }
      tx.delete("nodes", op.id);
      return;
    }
    case "moveNode": {
      const n = flow.nodes.get(op.id) ?? fail("notFound", `moveNode: no node ${op.id}`);
      if (!isNum(op.x) || !isNum(op.y)) fail("invalidInput", "moveNode: bad position");
      tx.set("nodes", { ...n, x: op.x, y: op.y });
      return;
    }
    case "renameNode": {
      const n = flow.nodes.get(op.id) ?? fail("notFound", `renameNode: no node ${op.id}`);
      tx.set("nodes", { ...n, name: String(op.name) });
      return;
    }
    case "addEdge": {
      const e = op.edge;
      if (!e || typeof e.id !== "string" || !e.id) fail("invalidInput", "addEdge: missing id");
      if (flow.edges.has(e.id)) fail("invalidInput", `addEdge: edge ${e.id} already exists`);
      if (!EDGE_KINDS.includes(e.kind)) fail("invalidInput", `addEdge: unknown kind ${String(e.kind)}`);
      if (e.source === e.target) fail("invalidInput", `addEdge: ${e.id} connects ${e.source} to itself`);
      if (!flow.nodes.has(e.source)) fail("notFound", `addEdge: no source node ${e.source}`);
      if (!flow.nodes.has(e.target)) fail("notFound", `addEdge: no target node ${e.target}`);
      tx.set("edges", normalizeEdge({ ...e, name: String(e.name ?? "") }));
      return;
    }
    case "removeEdge": {
      if (!flow.edges.has(op.id)) fail("notFound", `removeEdge: no edge ${op.id}`);
      tx.delete("edges", op.id);
      return;
    }
    case "renameEdge": {
      const e = flow.edges.get(op.id) ?? fail("notFound", `renameEdge: no edge ${op.id}`);
      tx.set("edges", { ...e, name: String(op.name) });
      return;
    }
    case "addLane": {
      const l = op.lane;
      if (!l || typeof l.id !== "string" || !l.id) fail("invalidInput", "addLane: missing id");
      if (flow.lanes.has(l.id)) fail("invalidInput", `addLane: lane ${l.id} already exists`);
      if (!isNum(l.y) || !isNum(l.h) || l.h <= 0) fail("invalidInput", "addLane: bad geometry");
      tx.set("lanes", normalizeLane({ ...l, name: String(l.name ?? "") }));
      return;
    }
    case "removeLane": {
      if (!flow.lanes.has(op.id)) fail("notFound", `removeLane: no lane ${op.id}`);
      tx.delete("lanes", op.id);
      return;
    }
    case "renameLane": {
      const l = flow.lanes.get(op.id) ?? fail("notFound", `renameLane: no lane ${op.id}`);
      tx.set("lanes", { ...l, name: String(op.name) });
      return;
    }
    case "updateNode": {
      const old = flow.nodes.get(op.node.id) ?? fail("notFound", `updateNode: no node ${op.node.id}`);
      if (!isNum(op.node.x) || !isNum(op.node.y) || !isNum(op.node.w) || !isNum(op.node.h) || op.node.w <= 0 || op.node.h <= 0) {
        fail("invalidInput", "updateNode: bad geometry");
      }
      tx.set("nodes", normalizeNode({ ...old, ...op.node }));
      return;
    }
    case "updateEdge": {
      const old = flow.edges.get(op.edge.id) ?? fail("notFound", `updateEdge: no edge ${op.edge.id}`);
      if (op.edge.kind !== old.kind || op.edge.source !== old.source || op.edge.target !== old.target) {
        fail("invalidInput", `updateEdge: edge ${op.edge.id} keeps its kind and ends`);
      }
      tx.set("edges", normalizeEdge({ ...old, ...op.edge }));
      return;
    }
    case "updateLane": {
      const old = flow.lanes.get(op.lane.id) ?? fail("notFound", `updateLane: no lane ${op.lane.id}`);
      tx.set("lanes", normalizeLane({ ...old, ...op.lane }));
      return;
    }
    default:
      fail("invalidInput", `unknown op ${JSON.stringify(op)}`);
  }
}

type Touched = { coll: string; id: string; value: Rec | undefined };

/** What a step left, as the patch the core would send for that kind. */
function patchOf(kind: DocKind, touched: Touched[]): DocPatch {
  if (kind === "businessFlow") {
    const patch: FlowPatch = { nodes: [], removedNodes: [], edges: [], removedEdges: [], lanes: [], removedLanes: [] };
    const lists = {
      nodes: [patch.nodes, patch.removedNodes],
      edges: [patch.edges, patch.removedEdges],
      lanes: [patch.lanes, patch.removedLanes],
    } as Record<string, [Rec[], string[]]>;
    for (const t of touched) {
      const [put, removed] = lists[t.coll];
      if (t.value === undefined) removed.push(t.id);
      else put.push(clone(t.value));
    }
    return { kind: "businessFlow", patch } as DocPatch;
  }
  const upserts: DomainRecord[] = [];
  const removed: string[] = [];
  for (const t of touched) {
    if (t.value === undefined) removed.push(t.id);
    else upserts.push(clone(t.value) as DomainRecord);
  }
  return { kind: kind === "sandboxPrototype" ? "sandboxPrototype" : "domainModel", patch: { upserts, removed } } as DocPatch;
}

/** Restores one side ("before" for undo, "after" for redo) of a step. */
function replay(store: Store, step: Step, side: "before" | "after"): Touched[] {
  const out: Touched[] = [];
  for (const c of step.values()) {
    const coll = store.colls.get(c.coll)!;
    const value = c[side];
    if (value === undefined) coll.delete(c.id);
    else coll.set(c.id, value);
    out.push({ coll: c.coll, id: c.id, value });
  }
  return out;
}

function stepTouched(step: Step): Touched[] {
  return [...step.values()].map((c) => ({ coll: c.coll, id: c.id, value: c.after }));
}

// --- the domain model's record ops (crates/model/src/domain.rs) ---

const DOMAIN_COLLECTION: Record<DomainRecord["record"], string> = {
  subdomain: "subdomains",
  context: "contexts",
  relationship: "relationships",
  element: "elements",
  attribute: "attributes",
  override: "overrides",
  extra: "extras",
};

/** A sandbox prototype's record types and their collections (the core's structural checks are not repeated here). */
const PROTOTYPE_COLLECTION: Record<string, string> = { screen: "screens", component: "components", action: "actions", walk: "walks" };

function collectionOf(r: { record: string }): string {
  return (DOMAIN_COLLECTION as Record<string, string>)[r.record] ?? PROTOTYPE_COLLECTION[r.record] ?? fail("invalidInput", `unknown record type ${String(r.record)}`);
}

const HOLDS_ATTRIBUTES = new Set(["entity", "valueObject", "command", "domainEvent", "readModel"]);

function findRecord(store: Store, id: string): { coll: string; rec: DomainRecord } | null {
  for (const [coll, recs] of store.colls) {
    const rec = recs.get(id);
    if (rec) return { coll, rec: rec as DomainRecord };
  }
  return null;
}

/** Absent and null are the same, as in the core: an empty optional field is not stored. */
function stripNulls<T extends object>(r: T): T {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== undefined)) as T;
}

function checkDomain(store: Store, r: DomainRecord) {
  const need = (id: string, what: string, ok: (x: DomainRecord) => boolean) => {
    const found = findRecord(store, id);
    if (!found || !ok(found.rec)) fail("invalidInput", `invalid edit: ${id} is not a ${what}`);
  };
  const named = (x: { id: string; name: string }) => {
    if (!String(x.name ?? "").trim()) fail("invalidInput", `invalid edit: ${x.id} needs a name`);
  };
  switch (r.record) {
    case "element":
      named(r);
      need(r.context, "bounded context", (x) => x.record === "context");
      return;
    case "context":
    case "subdomain":
      named(r);
      return;
    case "relationship":
      if (r.upstream === r.downstream) fail("invalidInput", `invalid edit: relationship ${r.id} connects ${r.upstream} to itself`);
      need(r.upstream, "bounded context", (x) => x.record === "context");
      need(r.downstream, "bounded context", (x) => x.record === "context");
      return;
    case "attribute":
      named(r);
      need(r.owner, "element that holds attributes", (x) => x.record === "element" && HOLDS_ATTRIBUTES.has(x.kind));
      return;
    default:
      return;
  }
}

/** Component kinds that hold others (the core's `ComponentKind::is_container`). */
const PROTOTYPE_CONTAINERS = new Set(["stack", "group", "form", "card", "dialog", "tabs", "list"]);

type ProtoRec = {
  record: string;
  id: string;
  name?: string;
  screen?: string;
  parent?: string;
  kind?: string;
  component?: string;
  success?: string;
  steps?: { step: string; screen?: string }[];
};

/** A prototype record's structural rules (the core's `Prototype::check`, in short). */
function checkPrototype(store: Store, r: ProtoRec) {
  const get = (id: string) => findRecord(store, id)?.rec as unknown as ProtoRec | undefined;
  const screen = (id: string | undefined) => {
    if (!id || get(id)?.record !== "screen") fail("invalidInput", `invalid edit: ${id} is not a screen`);
  };
  switch (r.record) {
    case "screen":
    case "walk":
      if (!String(r.name ?? "").trim()) fail("invalidInput", `invalid edit: ${r.id} needs a name`);
      return;
    case "component": {
      screen(r.screen);
      const seen = new Set<string>();
      for (let at = r.parent; at; ) {
        if (at === r.id) fail("invalidInput", `invalid edit: ${r.id} cannot be placed inside itself`);
        if (seen.has(at)) return;
        seen.add(at);
        const p = get(at);
        if (!p || p.record !== "component") fail("invalidInput", `invalid edit: ${at} is not a component`);
        if (at === r.parent && (!PROTOTYPE_CONTAINERS.has(String(p!.kind)) || p!.screen !== r.screen))
          fail("invalidInput", `invalid edit: ${at} cannot hold ${r.id}`);
        at = p!.parent;
      }
      return;
    }
    case "action":
      if (!r.component || get(r.component)?.record !== "component") fail("invalidInput", `invalid edit: ${r.component} is not a component`);
      for (const step of r.steps ?? []) if (step.step === "navigate") screen(step.screen);
      if (r.success) screen(r.success);
      return;
    default:
      return;
  }
}

/** The records that go with a removed one (the core's `Domain::dependents`). */
function domainDependents(store: Store, r: DomainRecord): DomainRecord[] {
  const all = (coll: string) => [...(store.colls.get(coll)?.values() ?? [])] as DomainRecord[];
  if (r.record === "context") {
    return [
      ...all("elements").filter((e) => e.record === "element" && e.context === r.id),
      ...all("relationships").filter((x) => x.record === "relationship" && (x.upstream === r.id || x.downstream === r.id)),
    ];
  }
  if (r.record === "element") {
    const out = all("attributes").filter((a) => a.record === "attribute" && a.owner === r.id);
    if (r.kind === "aggregate") out.push(...all("elements").filter((m) => m.record === "element" && m.aggregate === r.id));
    return out;
  }
  // A prototype's screen takes its components, a component what is inside it and its action.
  const proto = r as unknown as { record: string; id: string };
  if (proto.record === "screen" || proto.record === "component") {
    const comps = all("components") as unknown as { id: string; screen: string; parent?: string }[];
    const out = comps.filter((c) => (proto.record === "screen" ? c.screen === proto.id && !c.parent : c.parent === proto.id));
    if (proto.record === "component") out.push(...(all("actions") as unknown as { id: string; component: string }[]).filter((a) => a.component === proto.id) as never[]);
    return out as unknown as DomainRecord[];
  }
  return [];
}

function applyRecordOp(store: Store, tx: Tx, op: RecordOp<DomainRecordIn>) {
  switch (op.op) {
    case "add": {
      const r = stripNulls(op.record) as DomainRecord;
      if (!r.id || typeof r.id !== "string") fail("invalidInput", "invalid edit: missing id");
      if (findRecord(store, r.id)) fail("invalidInput", `an element with id ${r.id} already exists`);
      if (r.record in DOMAIN_COLLECTION) checkDomain(store, r);
      else checkPrototype(store, r as unknown as ProtoRec);
      tx.set(collectionOf(r), clone(r));
      return;
    }
    case "update": {
      const r = stripNulls(op.record) as DomainRecord;
      const coll = collectionOf(r);
      if (!tx.get(coll, r.id)) fail("notFound", `no element with id ${r.id}`);
      if (r.record in DOMAIN_COLLECTION) checkDomain(store, r);
      else checkPrototype(store, r as unknown as ProtoRec);
      tx.set(coll, clone(r));
      return;
    }
    case "remove": {
      const visiting = new Set<string>();
      const remove = (id: string) => {
        if (visiting.has(id)) return;
        visiting.add(id);
        const found = findRecord(store, id) ?? fail("notFound", `no element with id ${id}`);
        for (const d of domainDependents(store, found.rec)) if (findRecord(store, d.id)) remove(d.id);
        tx.delete(found.coll, id);
      };
      remove(op.id);
      return;
    }
    default:
      fail("invalidInput", `unknown op ${JSON.stringify(op)}`);
  }
}

const LINK_KINDS: readonly LinkKind[] = ["realizes", "invokes", "shows", "measures", "refines", "tracks", "relatesTo"];

const DOC_KINDS: readonly DocKind[] = [
  "workspaceIndex",
  "businessFlow",
  "valueTree",
  "requirementPool",
  "userJourney",
  "domainModel",
  "sandboxPrototype",
];

export function memoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const workspaces = new Map<string, Workspace>();
  const docs = new Map<string, Doc>();
  let locale: string | null = null;
  let clock = 0;
  const now = () => Date.now() + clock++;

  const respond = async <T>(make: () => Result<T, ApiError>): Promise<Result<T, ApiError>> => {
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    try {
      return make();
    } catch (e) {
      if (e instanceof OpError) return { status: "error", error: e.apiError };
      return err("internal", e instanceof Error ? e.message : String(e));
    }
  };

  const summary = (w: Workspace): WorkspaceSummary => ({
    id: w.id,
    name: w.name,
    documentCount: [...docs.values()].filter((d) => d.workspaceId === w.id).length,
  });

  const docSummary = (d: Doc): DocumentSummary => ({ id: d.id, kind: d.kind, title: d.title, createdAt: d.createdAt });

  const cleanName = (name: string, what: string): string => {
    const trimmed = typeof name === "string" ? name.trim() : "";
    if (!trimmed) fail("invalidInput", `${what} must not be empty`);
    if (trimmed.length > 200) fail("invalidInput", `${what} is too long`);
    return trimmed;
  };

  const docOf = (documentId: string): Doc & { store: Store } => {
    const d = docs.get(documentId) ?? fail("notFound", `no document ${documentId}`);
    if (d.corrupt) fail("documentCorrupt", `document ${documentId} cannot be decoded`);
    if (!d.store) fail("invalidInput", `documents of kind ${d.kind} cannot be opened yet`);
    return d as Doc & { store: Store };
  };

  const result = (documentId: string, store: Store, touched: Touched[]): EditResult => ({
    documentId,
    patch: patchOf(store.kind, touched),
    canUndo: store.undo.length > 0,
    canRedo: store.redo.length > 0,
  });

  const addWorkspace = (name: string): Workspace => {
    const w: Workspace = { id: newId(), name, lastOpened: now() };
    workspaces.set(w.id, w);
    return w;
  };

  const addDoc = (workspaceId: string, kind: DocKind, title: string): Doc => {
    const store = emptyStore(kind);
    const d: Doc = {
      id: newId(),
      kind,
      title,
      createdAt: now(),
      workspaceId,
      store,
      flow: kind === "businessFlow" && store ? (Object.fromEntries(store.colls) as unknown as Flow) : null,
      corrupt: false,
      links: new Map(),
    };
    docs.set(d.id, d);
    return d;
  };

  /** The documents of a workspace in the index's order (creation order). */
  const docsOf = (workspaceId: string): Doc[] =>
    [...docs.values()].filter((d) => d.workspaceId === workspaceId).sort((a, b) => a.createdAt - b.createdAt);

  const workspaceOf = (workspaceId: string): Workspace =>
    workspaces.get(workspaceId) ?? fail("notFound", `no workspace ${workspaceId}`);

  /** The name of an element (any record with a name), or null when the document has none such. */
  const elementName = (d: Doc, elementId: string): string | null => {
    if (d.corrupt) fail("documentCorrupt", `document ${d.id} cannot be decoded`);
    if (!d.store) return null;
    for (const coll of d.store.colls.values()) {
      const el = coll.get(elementId) as { name?: string | null } | undefined;
      if (el) return el.name ?? "";
    }
    return null;
  };
  /** As elementName, but a damaged document reads as having no elements. */
  const elementNameOrNull = (d: Doc | undefined, elementId: string): string | null => {
    if (!d || d.corrupt) return null;
    return elementName(d, elementId);
  };

  if (options.largeFlowNodes) seedLarge(addWorkspace, addDoc, options.largeFlowNodes);
  if (options.demo) seedDemo(addWorkspace, addDoc);

  const backend: MemoryBackend = {
    appInfo: () =>
      respond(() =>
        ok({ version: "0.0.0-memory", dataDir: "(memory)", databasePath: "(memory)", logDir: "(memory)", locale, systemLocale: null }),
      ),
    setLocale: (value: string) =>
      respond<null>(() => {
        locale = value;
        return ok(null);
      }),
    listWorkspaces: () =>
      respond(() => ok([...workspaces.values()].sort((a, b) => b.lastOpened - a.lastOpened).map(summary))),
    createWorkspace: (name: string) =>
      respond(() => ok(summary(addWorkspace(cleanName(name, "workspace name"))))),
    renameWorkspace: (workspaceId: string, name: string) =>
      respond<null>(() => {
        const w = workspaces.get(workspaceId) ?? fail("notFound", `no workspace ${workspaceId}`);
        w.name = cleanName(name, "workspace name");
        return ok(null);
      }),
    deleteWorkspace: (workspaceId: string) =>
      respond<null>(() => {
        if (!workspaces.delete(workspaceId)) fail("notFound", `no workspace ${workspaceId}`);
        for (const d of [...docs.values()]) if (d.workspaceId === workspaceId) docs.delete(d.id);
        return ok(null);
      }),
    openWorkspace: (workspaceId: string) =>
      respond<WorkspaceView>(() => {
        const w = workspaces.get(workspaceId) ?? fail("notFound", `no workspace ${workspaceId}`);
        w.lastOpened = now();
        const documents = [...docs.values()]
          .filter((d) => d.workspaceId === w.id)
          .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0))
          .map(docSummary);
        return ok({ id: w.id, name: w.name, documents });
      }),
    createDocument: (workspaceId: string, kind: DocKind, title: string) =>
      respond(() => {
        if (!workspaces.has(workspaceId)) fail("notFound", `no workspace ${workspaceId}`);
        if (!DOC_KINDS.includes(kind) || kind === "workspaceIndex") fail("invalidInput", `cannot create a ${String(kind)}`);
        return ok(docSummary(addDoc(workspaceId, kind, cleanName(title, "document title"))));
      }),
    renameDocument: (workspaceId: string, documentId: string, title: string) =>
      respond<null>(() => {
        const d = docs.get(documentId);
        if (!d || d.workspaceId !== workspaceId) fail("notFound", `no document ${documentId}`);
        d.title = cleanName(title, "document title");
        return ok(null);
      }),
    deleteDocument: (workspaceId: string, documentId: string) =>
      respond<null>(() => {
        const d = docs.get(documentId);
        if (!d || d.workspaceId !== workspaceId) fail("notFound", `no document ${documentId}`);
        docs.delete(documentId);
        return ok(null);
      }),
    openDocument: (documentId: string) =>
      respond<DocumentView>(() => {
        const d = docOf(documentId);
        const all = (c: string) => clone([...d.store.colls.get(c)!.values()]);
        const content =
          d.kind === "businessFlow"
            ? { kind: "businessFlow", content: { nodes: all("nodes"), edges: all("edges"), lanes: all("lanes") } }
            : {
                kind: d.kind,
                content: Object.fromEntries(
                  (KIND_COLLECTIONS[d.kind] ?? KIND_COLLECTIONS.domainModel!).map((c) => [
                    c,
                    // Grouped by type, the records carry no type tag (the core's DomainModel).
                    sortedRecords(all(c) as DomainRecord[], c).map(({ record: _tag, ...fields }) => fields),
                  ]),
                ),
              };
        return ok({
          documentId,
          kind: d.kind,
          content,
          canUndo: d.store.undo.length > 0,
          canRedo: d.store.redo.length > 0,
        } as DocumentView);
      }),
    editDocument: (documentId: string, ops: DocOps) =>
      respond<EditResult>(() => {
        const d = docOf(documentId);
        if (!ops || ops.kind !== d.kind) fail("invalidInput", `document ${documentId} is not a ${String(ops?.kind)} document`);
        if (!Array.isArray(ops.ops) || ops.ops.length === 0) fail("invalidInput", "an edit needs at least one operation");
        const store = d.store;
        const tx = new Tx(store);
        try {
          if (ops.kind === "businessFlow") for (const op of ops.ops) applyOp(d.flow!, tx, op);
          else for (const op of ops.ops) applyRecordOp(store, tx, op as RecordOp<DomainRecordIn>);
        } catch (e) {
          tx.rollback();
          throw e;
        }
        const step = tx.finish();
        store.undo.push(step);
        store.redo = [];
        return ok(result(documentId, store, stepTouched(step)));
      }),
    undoDocument: (documentId: string) =>
      respond<EditResult>(() => {
        const { store } = docOf(documentId);
        const step = store.undo.pop() ?? fail("invalidInput", "nothing to undo");
        store.redo.push(step);
        return ok(result(documentId, store, replay(store, step, "before")));
      }),
    redoDocument: (documentId: string) =>
      respond<EditResult>(() => {
        const { store } = docOf(documentId);
        const step = store.redo.pop() ?? fail("invalidInput", "nothing to redo");
        store.undo.push(step);
        return ok(result(documentId, store, replay(store, step, "after")));
      }),
    addLink: (workspaceId: string, fromDocument: string, fromElement: string, kind: LinkKind, toDocument: string, toElement: string) =>
      respond<Link>(() => {
        workspaceOf(workspaceId);
        if (!LINK_KINDS.includes(kind)) fail("invalidInput", `unknown link kind ${String(kind)}`);
        for (const [documentId, elementId] of [
          [fromDocument, fromElement],
          [toDocument, toElement],
        ]) {
          const d = docs.get(documentId);
          if (!d || d.workspaceId !== workspaceId) fail("notFound", `document ${documentId} is not in workspace ${workspaceId}`);
          if (elementName(d, elementId) === null) fail("notFound", `document ${JSON.stringify(d.title)} has no element ${elementId}`);
        }
        const link: Link = { id: newId(), kind, from: fromElement, toDocument, toElement };
        docs.get(fromDocument)!.links.set(link.id, link);
        return ok(clone(link));
      }),
    removeLink: (documentId: string, linkId: string) =>
      respond<null>(() => {
        const d = docs.get(documentId) ?? fail("notFound", `no document ${documentId}`);
        if (d.corrupt) fail("documentCorrupt", `document ${documentId} cannot be decoded`);
        if (!d.links.delete(linkId)) fail("notFound", `no link ${linkId}`);
        return ok(null);
      }),
    linksOf: (workspaceId: string, documentId: string, elementId: string) =>
      respond<ResolvedLink_Serialize[]>(() => {
        workspaceOf(workspaceId);
        const inWorkspace = docsOf(workspaceId);
        const out: ResolvedLink_Serialize[] = [];
        for (const holder of inWorkspace) {
          // A damaged document cannot be read; its links are skipped, not fatal.
          if (holder.corrupt) continue;
          for (const link of holder.links.values()) {
            const outgoing = holder.id === documentId && link.from === elementId;
            const incoming = link.toDocument === documentId && link.toElement === elementId;
            if (!outgoing && !incoming) continue;
            const to = inWorkspace.find((d) => d.id === link.toDocument);
            const toName = elementNameOrNull(to, link.toElement);
            out.push({
              link: clone(link),
              fromDocument: holder.id,
              incoming,
              fromName: elementNameOrNull(holder, link.from),
              toName,
              otherTitle: incoming ? holder.title : (to?.title ?? null),
              broken: toName === null,
            });
          }
        }
        return ok(out);
      }),
    linkTargets: (workspaceId: string) =>
      respond<LinkTarget[]>(() => {
        workspaceOf(workspaceId);
        const out: LinkTarget[] = [];
        for (const d of docsOf(workspaceId)) {
          if (!d.store || d.corrupt) continue;
          if (d.flow) {
            for (const n of d.flow.nodes.values()) {
              out.push({ documentId: d.id, documentTitle: d.title, documentKind: d.kind, elementId: n.id, name: n.name, elementKind: n.kind });
            }
            continue;
          }
          for (const c of ["contexts", "elements", "attributes"]) {
            for (const r of d.store.colls.get(c)!.values() as Iterable<DomainRecord>) {
              const kind = r.record === "element" ? r.kind : r.record;
              const name = "name" in r ? String(r.name ?? "") : "";
              out.push({ documentId: d.id, documentTitle: d.title, documentKind: d.kind, elementId: r.id, name, elementKind: kind });
            }
          }
        }
        return ok(out);
      }),
    validateDocument: (documentId: string) =>
      respond<DocProblems>(() => {
        const d = docOf(documentId);
        if (d.flow) return ok({ kind: "businessFlow", problems: validateFlowModel(d.flow) });
        // The domain model's rules live in the core only (crates/model/src/domain.rs): in a
        // plain browser its canvas shows no problems rather than a second copy of them.
        return ok({ kind: "domainModel", problems: [] });
      }),
    // No server in memory: every workspace is offline, and connecting says why.
    syncStatus: (workspaceId: string) =>
      respond<SyncStatus>(() => {
        workspaceOf(workspaceId);
        return ok(offline(workspaceId));
      }),
    connectWorkspace: (workspaceId: string) =>
      respond<SyncStatus>(() => {
        workspaceOf(workspaceId);
        return err("unreachable", NO_NETWORK);
      }),
    joinWorkspace: () => respond<WorkspaceSummary>(() => err("unreachable", NO_NETWORK)),
    disconnectWorkspace: (workspaceId: string) =>
      respond<SyncStatus>(() => {
        workspaceOf(workspaceId);
        return ok(offline(workspaceId));
      }),
    syncNow: (workspaceId: string) =>
      respond<SyncStatus>(() => {
        workspaceOf(workspaceId);
        return err("invalidInput", "this workspace is not connected to a server");
      }),
    setPresence: () => respond<null>(() => ok(null)),
    startMeetingRoom: () => respond<MeetingRoom>(() => err("unreachable", NO_NETWORK)),
    meetingRoom: () => respond<MeetingRoom | null>(() => ok(null)),
    inviteToMeetingRoom: () => respond<MeetingInvitation>(() => err("invalidInput", "no meeting room is open on this laptop")),
    stopMeetingRoom: () => respond<SyncStatus>(() => err("invalidInput", "no meeting room is open on this laptop")),
    presence: () => respond<PresencePeer[]>(() => ok([])),
    debugPanic: () => respond<null>(() => err("internal", "panicked: debug panic requested (memory backend)")),
    // Files live on the desktop: in a plain browser there is no file system to pick from.
    chooseOpenFile: (_format: string) => respond<string | null>(() => ok(null)),
    contextMapSvg: (_documentId: string) =>
      respond<string>(() => err("invalidInput", "the context map is drawn by the desktop app's core")),
    domainDataModel: (_documentId: string) =>
      respond<DataModelView>(() => err("invalidInput", "the data model is derived by the desktop app's core")),
    chooseSavePath: (_suggestedName: string) => respond<string | null>(() => ok(null)),
    importBpmnFile: (_workspaceId: string, path: string) =>
      respond<DocumentSummary>(() => err("badFile", `${path}: BPMN files open only in the desktop app`)),
    exportBpmnFile: (_documentId: string, path: string) =>
      respond<null>(() => err("badFile", `${path}: BPMN files are written only by the desktop app`)),
    importCmlFile: (_workspaceId: string, path: string) =>
      respond<DocumentSummary>(() => err("badFile", `${path}: CML files open only in the desktop app`)),
    exportCmlFile: (_documentId: string, path: string) =>
      respond<null>(() => err("badFile", `${path}: CML files are written only by the desktop app`)),
    exportDdlFile: (_documentId: string, _dialect: string, path: string) =>
      respond<null>(() => err("badFile", `${path}: SQL files are written only by the desktop app`)),
    // The shelf, the player's bundle, OpenAPI and the HTML export are the core's (the
    // UI half of the prototype issue may give the double more of them).
    listShelf: (_query: string) => respond<ShelfPart[]>(() => ok([])),
    addShelfPart: () => respond<ShelfPart>(() => err("invalidInput", "the capability shelf is kept by the desktop app's core")),
    removeShelfPart: (partId: string) => respond<null>(() => err("notFound", `the shelf has no part ${partId}`)),
    placeShelfPart: () => respond<EditResult>(() => err("invalidInput", "shelf parts are placed by the desktop app's core")),
    createWorkspaceFromTemplate: () =>
      respond<WorkspaceSummary>(() => err("invalidInput", "templates are started by the desktop app's core")),
    prototypePlayerBundle: () => respond<PlayerBundle>(() => err("invalidInput", "the player's bundle is built by the desktop app's core")),
    walkGherkin: () => respond<string[]>(() => err("invalidInput", "walks are read by the desktop app's core")),
    exportOpenapiFile: (_documentId: string, path: string) =>
      respond<null>(() => err("badFile", `${path}: OpenAPI files are written only by the desktop app`)),
    exportPrototypeHtmlFile: (_documentId: string, _seed: number, path: string) =>
      respond<null>(() => err("badFile", `${path}: HTML files are written only by the desktop app`)),
    savePicture: (path: string, _data: number[]) =>
      respond<null>(() => err("badFile", `${path}: pictures are written only by the desktop app`)),
    markCorrupt(documentId: string) {
      const d = docs.get(documentId);
      if (d) d.corrupt = true;
    },
  };
  return backend;
}

/** Records as the core reads them: by id within a collection; attributes by owner and order. */
function sortedRecords(recs: DomainRecord[], coll: string): DomainRecord[] {
  const key = (r: DomainRecord): string => r.id;
  const sorted = [...recs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (coll === "attributes") {
    sorted.sort((a, b) => {
      const [x, y] = [a as Extract<DomainRecord, { record: "attribute" }>, b as Extract<DomainRecord, { record: "attribute" }>];
      return x.owner < y.owner ? -1 : x.owner > y.owner ? 1 : x.order - y.order;
    });
  }
  if (coll === "extras") sorted.sort((a, b) => (a as { order: number }).order - (b as { order: number }).order);
  return sorted;
}

// --- structural validation ---
//
// A test double of the core's flow validation (crates/model/src/validate.rs, over the graph
// that crates/formats/src/bpmn/validation.rs builds). The Rust core is the source of truth:
// this mirrors a few of its rules closely enough for the UI's tests and the plain-browser mode,
// and deliberately does not re-implement the others (the bpmnlint rules, broken references,
// pools, missingConditions on forking tasks), so that no second copy of the rules can drift
// from the core's. A flow document is one process with the id "process".

/** The codes this double computes, each with the severity `ProblemCode::severity()` gives it. */
const SEVERITY = {
  unreachable: "error",
  deadEnd: "error",
  noStart: "error",
  noEnd: "error",
  missingConditions: "error",
  parallelJoinedByExclusive: "warning",
  danglingFlow: "error",
} as const satisfies Partial<Record<ProblemCode, Severity>>;

type ComputedCode = keyof typeof SEVERITY;

/** The element id the core uses for problems of the whole flow (noStart, noEnd). */
export const PROCESS_ELEMENT = "process";

/** Checks a flow like the core does; returns problems sorted by code, then element, without duplicates. */
export function validateFlowModel(flow: Pick<Flow, "nodes" | "edges">): Problem[] {
  const problems = new Map<string, Problem>();
  const add = (code: ComputedCode, element: string) =>
    problems.set(`${code}\u0000${element}`, { code, element, severity: SEVERITY[code] });

  const out = new Map<string, FlowEdge[]>();
  const incoming = new Map<string, number>();
  for (const id of flow.nodes.keys()) {
    out.set(id, []);
    incoming.set(id, 0);
  }
  for (const e of flow.edges.values()) {
    if (!flow.nodes.has(e.source) || !flow.nodes.has(e.target)) {
      add("danglingFlow", e.id);
      continue;
    }
    // One process, so no flow crosses a pool here.
    out.get(e.source)!.push(e);
    incoming.set(e.target, incoming.get(e.target)! + 1);
  }

  const nodes = [...flow.nodes.values()];
  const hasStart = nodes.some((n) => n.kind === "startEvent");
  if (nodes.length > 0) {
    if (!hasStart) add("noStart", PROCESS_ELEMENT);
    if (!nodes.some((n) => n.kind === "endEvent")) add("noEnd", PROCESS_ELEMENT);
  }

  // Breadth-first from every start event.
  const reached = new Set<string>();
  const queue = nodes.filter((n) => n.kind === "startEvent").map((n) => n.id);
  for (const id of queue) reached.add(id);
  for (let i = 0; i < queue.length; i++) {
    for (const e of out.get(queue[i])!) {
      if (!reached.has(e.target)) {
        reached.add(e.target);
        queue.push(e.target);
      }
    }
  }
  for (const n of nodes) {
    // Without a start event the whole flow is reported once, as noStart.
    if (hasStart && !reached.has(n.id)) add("unreachable", n.id);
    if (n.kind !== "endEvent" && out.get(n.id)!.length === 0) add("deadEnd", n.id);
  }

  // Exclusive and inclusive gateways that split into flows of which one has no condition,
  // and no default flow.
  for (const n of nodes) {
    if (n.kind !== "exclusiveGateway" && n.kind !== "inclusiveGateway") continue;
    const flows = out.get(n.id)!;
    const unconditioned = flows.some((e) => (e.condition ?? "").trim() === "");
    if (flows.length > 1 && unconditioned && !n.defaultFlow) add("missingConditions", n.id);
  }

  // Parallel splits whose branches meet again at an exclusive gateway. Each branch is followed
  // until a parallel join (which synchronises it) or the end.
  for (const split of nodes) {
    if (split.kind !== "parallelGateway") continue;
    const branches = out.get(split.id)!.map((e) => e.target);
    if (branches.length < 2) continue;
    const meets = new Map<string, Set<number>>();
    branches.forEach((first, b) => {
      const seen = new Set<string>();
      const stack = [first];
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (id === split.id || seen.has(id)) continue;
        seen.add(id);
        const kind = flow.nodes.get(id)!.kind;
        const joins = incoming.get(id)! > 1;
        if (kind === "parallelGateway" && joins) continue;
        if (kind === "exclusiveGateway" && joins) {
          let from = meets.get(id);
          if (!from) meets.set(id, (from = new Set()));
          from.add(b);
        }
        for (const e of out.get(id)!) stack.push(e.target);
      }
    });
    for (const [id, from] of meets) if (from.size > 1) add("parallelJoinedByExclusive", id);
  }

  return [...problems.values()].sort(
    (a, b) =>
      PROBLEM_CODES.indexOf(a.code) - PROBLEM_CODES.indexOf(b.code) ||
      (a.element < b.element ? -1 : a.element > b.element ? 1 : 0),
  );
}

/** The first-start demo: a consumer-loan application flow with four role lanes. */
function seedDemo(
  addWorkspace: (name: string) => Workspace,
  addDoc: (workspaceId: string, kind: DocKind, title: string) => Doc,
) {
  const w = addWorkspace("示例专题：个人消费贷线上申请");
  const d = addDoc(w.id, "businessFlow", "贷款申请审批流程");
  const f = d.flow!;
  const laneNames = ["客户", "客户经理", "风险经理", "核心系统"];
  laneNames.forEach((name, i) => {
    const lane: Lane = makeLane(newId(), name, i * 160, 160);
    f.lanes.set(lane.id, lane);
  });
  const size = (kind: NodeKind): [number, number] => [NODE_SIZE[kind].w, NODE_SIZE[kind].h];
  const node = (kind: NodeKind, name: string, lane: number, cx: number): string => {
    const [w, h] = size(kind);
    const n: FlowNode = makeNode({ id: newId(), kind, name, x: cx - w / 2, y: lane * 160 + 80 - h / 2, w, h });
    f.nodes.set(n.id, n);
    return n.id;
  };
  const start = node("startEvent", "客户发起申请", 0, 110);
  const fill = node("userTask", "填写申请资料", 0, 250);
  const check = node("serviceTask", "征信与反欺诈查询", 3, 430);
  const gate = node("exclusiveGateway", "准入通过？", 2, 590);
  const approve = node("userTask", "人工审批", 2, 760);
  const reject = node("task", "告知拒绝原因", 1, 760);
  const rejected = node("endEvent", "申请终止", 1, 920);
  const sign = node("userTask", "签署电子合同", 0, 920);
  const pay = node("serviceTask", "放款", 3, 1090);
  const done = node("endEvent", "放款完成", 3, 1250);
  const edge = (source: string, target: string, name = "", condition: string | null = null) => {
    const e: FlowEdge = { ...makeEdge(newId(), source, target, name), condition };
    f.edges.set(e.id, e);
  };
  edge(start, fill);
  edge(fill, check);
  edge(check, gate);
  edge(gate, approve, "通过", "${score >= 600}");
  edge(gate, reject, "不通过", "${score < 600}");
  edge(reject, rejected);
  edge(approve, sign);
  edge(sign, pay);
  edge(pay, done);

  // A second, smaller flow whose follow-up call is linked to the first flow's payout.
  const d2 = addDoc(w.id, "businessFlow", "贷后回访流程");
  const f2 = d2.flow!;
  const node2 = (kind: NodeKind, name: string, cx: number): string => {
    const [w2, h] = size(kind);
    const n: FlowNode = makeNode({ id: newId(), kind, name, x: cx - w2 / 2, y: 80 - h / 2, w: w2, h });
    f2.nodes.set(n.id, n);
    return n.id;
  };
  const edge2 = (source: string, target: string) => {
    const e: FlowEdge = makeEdge(newId(), source, target);
    f2.edges.set(e.id, e);
  };
  const s2 = node2("startEvent", "放款后第7天", 110);
  const call = node2("userTask", "客户经理电话回访", 270);
  const note = node2("task", "记录客户反馈", 460);
  const end2 = node2("endEvent", "回访完成", 620);
  edge2(s2, call);
  edge2(call, note);
  edge2(note, end2);
  const link: Link = { id: newId(), kind: "relatesTo", from: call, toDocument: d.id, toElement: pay };
  d2.links.set(link.id, link);
}

/** A grid of tasks, each row chained by sequence flows. */
function seedLarge(
  addWorkspace: (name: string) => Workspace,
  addDoc: (workspaceId: string, kind: DocKind, title: string) => Doc,
  count: number,
) {
  const w = addWorkspace(`Large flow (${count})`);
  const f = addDoc(w.id, "businessFlow", `${count} tasks`).flow!;
  const columns = Math.ceil(Math.sqrt(count));
  let previous: string | null = null;
  for (let i = 0; i < count; i++) {
    const n: FlowNode = makeNode({ id: newId(), kind: "task", name: `T${i + 1}`, x: (i % columns) * 200, y: Math.floor(i / columns) * 140, w: 120, h: 72 });
    f.nodes.set(n.id, n);
    if (previous && i % columns !== 0) {
      const e: FlowEdge = makeEdge(newId(), previous, n.id);
      f.edges.set(e.id, e);
    }
    previous = n.id;
  }
}
