// An in-memory implementation of the core's command semantics, for vitest and for running
// the UI in a plain browser (no Tauri IPC). It mirrors the documented contract:
// ops in one editFlow call are atomic and one undo step; removing a node removes its edges;
// undo/redo replay the session's own edits and return patches. Links (traceability) are kept in
// the document of their `from` element, as the core keeps them; removing an element leaves its
// links, which then resolve as broken.

import type { Backend, Result } from "./backend";
import type {
  ApiError,
  DocKind,
  DocumentSummary,
  EditResult_Serialize as EditResult,
  FlowOp,
  Link,
  LinkKind,
  LinkTarget,
  FlowView_Serialize as FlowView,
  MeetingInvitation,
  MeetingRoom_Serialize as MeetingRoom,
  PresencePeer_Serialize as PresencePeer,
  Problem,
  ProblemCode,
  SyncStatus_Serialize as SyncStatus,
  ResolvedLink_Serialize,
  WorkspaceSummary,
  WorkspaceView,
} from "./bindings";
import { makeEdge, makeLane, makeNode, normalizeEdge, normalizeLane, normalizeNode, type FlowEdge, type FlowNode, type FlowPatch, type Lane, type NodeKind } from "./model";
import { newId } from "./ids";
import { NODE_KINDS as ALL_NODE_KINDS, NODE_SIZE } from "./flow/kinds";

export type MemoryBackend = Backend & {
  /** Test hook: makes openFlow of this document fail with documentCorrupt. */
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

type Change<T> = Map<string, { before: T | undefined; after: T | undefined }>;
type Step = { nodes: Change<FlowNode>; edges: Change<FlowEdge>; lanes: Change<Lane> };

type Flow = {
  nodes: Map<string, FlowNode>;
  edges: Map<string, FlowEdge>;
  lanes: Map<string, Lane>;
  undo: Step[];
  redo: Step[];
};

type Doc = DocumentSummary & { workspaceId: string; flow: Flow | null; corrupt: boolean; links: Map<string, Link> };
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

function emptyFlow(): Flow {
  return { nodes: new Map(), edges: new Map(), lanes: new Map(), undo: [], redo: [] };
}

function isNum(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Records the first "before" of every touched entry so the change can be rolled back or undone. */
class Tx {
  readonly step: Step = { nodes: new Map(), edges: new Map(), lanes: new Map() };
  constructor(private readonly flow: Flow) {}

  private touch<T>(map: Map<string, T>, change: Change<T>, id: string) {
    if (!change.has(id)) change.set(id, { before: map.get(id), after: undefined });
  }
  setNode(n: FlowNode) {
    this.touch(this.flow.nodes, this.step.nodes, n.id);
    this.flow.nodes.set(n.id, n);
  }
  deleteNode(id: string) {
    this.touch(this.flow.nodes, this.step.nodes, id);
    this.flow.nodes.delete(id);
  }
  setEdge(e: FlowEdge) {
    this.touch(this.flow.edges, this.step.edges, e.id);
    this.flow.edges.set(e.id, e);
  }
  deleteEdge(id: string) {
    this.touch(this.flow.edges, this.step.edges, id);
    this.flow.edges.delete(id);
  }
  setLane(l: Lane) {
    this.touch(this.flow.lanes, this.step.lanes, l.id);
    this.flow.lanes.set(l.id, l);
  }
  deleteLane(id: string) {
    this.touch(this.flow.lanes, this.step.lanes, id);
    this.flow.lanes.delete(id);
  }
  /** Fills in the "after" values; drops entries that ended where they started. */
  finish(): Step {
    const fin = <T>(map: Map<string, T>, change: Change<T>) => {
      for (const [id, c] of change) {
        c.after = map.get(id);
        if (c.before === undefined && c.after === undefined) change.delete(id);
      }
    };
    fin(this.flow.nodes, this.step.nodes);
    fin(this.flow.edges, this.step.edges);
    fin(this.flow.lanes, this.step.lanes);
    return this.step;
  }
  rollback() {
    const back = <T>(map: Map<string, T>, change: Change<T>) => {
      for (const [id, c] of change) {
        if (c.before === undefined) map.delete(id);
        else map.set(id, c.before);
      }
    };
    back(this.flow.nodes, this.step.nodes);
    back(this.flow.edges, this.step.edges);
    back(this.flow.lanes, this.step.lanes);
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
      tx.setNode(normalizeNode({ ...n, name: String(n.name ?? "") }));
      return;
    }
    case "removeNode": {
      if (!flow.nodes.has(op.id)) fail("notFound", `removeNode: no node ${op.id}`);
      for (const e of [...flow.edges.values()]) {
        if (e.source === op.id || e.target === op.id) tx.deleteEdge(e.id);
      }
      tx.deleteNode(op.id);
      return;
    }
    case "moveNode": {
      const n = flow.nodes.get(op.id) ?? fail("notFound", `moveNode: no node ${op.id}`);
      if (!isNum(op.x) || !isNum(op.y)) fail("invalidInput", "moveNode: bad position");
      tx.setNode({ ...n, x: op.x, y: op.y });
      return;
    }
    case "renameNode": {
      const n = flow.nodes.get(op.id) ?? fail("notFound", `renameNode: no node ${op.id}`);
      tx.setNode({ ...n, name: String(op.name) });
      return;
    }
    case "addEdge": {
      const e = op.edge;
      if (!e || typeof e.id !== "string" || !e.id) fail("invalidInput", "addEdge: missing id");
      if (flow.edges.has(e.id)) fail("invalidInput", `addEdge: edge ${e.id} already exists`);
      if (!EDGE_KINDS.includes(e.kind)) fail("invalidInput", `addEdge: unknown kind ${String(e.kind)}`);
      if (e.source === e.target) fail("invalidInput", `addEdge: ${e.id} connects ${e.source} to itself`);
      if (!flow.nodes.has(e.source)) fail("invalidInput", `addEdge: no source node ${e.source}`);
      if (!flow.nodes.has(e.target)) fail("invalidInput", `addEdge: no target node ${e.target}`);
      tx.setEdge(normalizeEdge({ ...e, name: String(e.name ?? "") }));
      return;
    }
    case "removeEdge": {
      if (!flow.edges.has(op.id)) fail("notFound", `removeEdge: no edge ${op.id}`);
      tx.deleteEdge(op.id);
      return;
    }
    case "renameEdge": {
      const e = flow.edges.get(op.id) ?? fail("notFound", `renameEdge: no edge ${op.id}`);
      tx.setEdge({ ...e, name: String(op.name) });
      return;
    }
    case "addLane": {
      const l = op.lane;
      if (!l || typeof l.id !== "string" || !l.id) fail("invalidInput", "addLane: missing id");
      if (flow.lanes.has(l.id)) fail("invalidInput", `addLane: lane ${l.id} already exists`);
      if (!isNum(l.y) || !isNum(l.h) || l.h <= 0) fail("invalidInput", "addLane: bad geometry");
      tx.setLane(normalizeLane({ ...l, name: String(l.name ?? "") }));
      return;
    }
    case "removeLane": {
      if (!flow.lanes.has(op.id)) fail("notFound", `removeLane: no lane ${op.id}`);
      tx.deleteLane(op.id);
      return;
    }
    case "renameLane": {
      const l = flow.lanes.get(op.id) ?? fail("notFound", `renameLane: no lane ${op.id}`);
      tx.setLane({ ...l, name: String(op.name) });
      return;
    }
    case "updateNode": {
      const old = flow.nodes.get(op.node.id) ?? fail("notFound", `updateNode: no node ${op.node.id}`);
      if (!isNum(op.node.x) || !isNum(op.node.y) || !isNum(op.node.w) || !isNum(op.node.h) || op.node.w <= 0 || op.node.h <= 0) {
        fail("invalidInput", "updateNode: bad geometry");
      }
      tx.setNode(normalizeNode({ ...old, ...op.node }));
      return;
    }
    case "updateEdge": {
      const old = flow.edges.get(op.edge.id) ?? fail("notFound", `updateEdge: no edge ${op.edge.id}`);
      if (op.edge.kind !== old.kind || op.edge.source !== old.source || op.edge.target !== old.target) {
        fail("invalidInput", `updateEdge: edge ${op.edge.id} keeps its kind and ends`);
      }
      tx.setEdge(normalizeEdge({ ...old, ...op.edge }));
      return;
    }
    case "updateLane": {
      const old = flow.lanes.get(op.lane.id) ?? fail("notFound", `updateLane: no lane ${op.lane.id}`);
      tx.setLane(normalizeLane({ ...old, ...op.lane }));
      return;
    }
    default:
      fail("invalidInput", `unknown op ${JSON.stringify(op)}`);
  }
}

function emptyPatch(): FlowPatch {
  return { nodes: [], removedNodes: [], edges: [], removedEdges: [], lanes: [], removedLanes: [] };
}

/** Restores one side ("before" for undo, "after" for redo) of a step and returns the patch. */
function replay(flow: Flow, step: Step, side: "before" | "after"): FlowPatch {
  const patch = emptyPatch();
  const run = <T extends { id: string }>(map: Map<string, T>, change: Change<T>, put: T[], removed: string[]) => {
    for (const [id, c] of change) {
      const value = c[side];
      if (value === undefined) {
        map.delete(id);
        removed.push(id);
      } else {
        map.set(id, value);
        put.push(clone(value));
      }
    }
  };
  run(flow.nodes, step.nodes, patch.nodes, patch.removedNodes);
  run(flow.edges, step.edges, patch.edges, patch.removedEdges);
  run(flow.lanes, step.lanes, patch.lanes, patch.removedLanes);
  return patch;
}

function stepPatch(step: Step): FlowPatch {
  const patch = emptyPatch();
  const run = <T extends { id: string }>(change: Change<T>, put: T[], removed: string[]) => {
    for (const [id, c] of change) {
      if (c.after === undefined) removed.push(id);
      else put.push(clone(c.after));
    }
  };
  run(step.nodes, patch.nodes, patch.removedNodes);
  run(step.edges, patch.edges, patch.removedEdges);
  run(step.lanes, patch.lanes, patch.removedLanes);
  return patch;
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

  const flowOf = (documentId: string): Flow => {
    const d = docs.get(documentId) ?? fail("notFound", `no document ${documentId}`);
    if (d.corrupt) fail("documentCorrupt", `document ${documentId} cannot be decoded`);
    if (d.kind !== "businessFlow" || !d.flow) fail("invalidInput", `document ${documentId} is not a business flow`);
    return d.flow;
  };

  const addWorkspace = (name: string): Workspace => {
    const w: Workspace = { id: newId(), name, lastOpened: now() };
    workspaces.set(w.id, w);
    return w;
  };

  const addDoc = (workspaceId: string, kind: DocKind, title: string): Doc => {
    const d: Doc = {
      id: newId(),
      kind,
      title,
      createdAt: now(),
      workspaceId,
      flow: kind === "businessFlow" ? emptyFlow() : null,
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

  /** The name of an element (node, sequence flow or lane), or null when the document has none such. */
  const elementName = (d: Doc, elementId: string): string | null => {
    if (d.corrupt) fail("documentCorrupt", `document ${d.id} cannot be decoded`);
    const f = d.flow;
    if (!f) return null;
    const el = f.nodes.get(elementId) ?? f.edges.get(elementId) ?? f.lanes.get(elementId);
    return el ? el.name : null;
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
    openFlow: (documentId: string) =>
      respond<FlowView>(() => {
        const f = flowOf(documentId);
        return ok({
          documentId,
          nodes: clone([...f.nodes.values()]),
          edges: clone([...f.edges.values()]),
          lanes: clone([...f.lanes.values()]),
          canUndo: f.undo.length > 0,
          canRedo: f.redo.length > 0,
        });
      }),
    editFlow: (documentId: string, ops: FlowOp[]) =>
      respond<EditResult>(() => {
        const f = flowOf(documentId);
        if (!Array.isArray(ops)) fail("invalidInput", "ops must be a list");
        const tx = new Tx(f);
        try {
          for (const op of ops) applyOp(f, tx, op);
        } catch (e) {
          tx.rollback();
          throw e;
        }
        const step = tx.finish();
        if (ops.length > 0) {
          f.undo.push(step);
          f.redo = [];
        }
        return ok({ documentId, patch: stepPatch(step), canUndo: f.undo.length > 0, canRedo: f.redo.length > 0 });
      }),
    undoFlow: (documentId: string) =>
      respond<EditResult>(() => {
        const f = flowOf(documentId);
        const step = f.undo.pop();
        const patch = step ? replay(f, step, "before") : emptyPatch();
        if (step) f.redo.push(step);
        return ok({ documentId, patch, canUndo: f.undo.length > 0, canRedo: f.redo.length > 0 });
      }),
    redoFlow: (documentId: string) =>
      respond<EditResult>(() => {
        const f = flowOf(documentId);
        const step = f.redo.pop();
        const patch = step ? replay(f, step, "after") : emptyPatch();
        if (step) f.undo.push(step);
        return ok({ documentId, patch, canUndo: f.undo.length > 0, canRedo: f.redo.length > 0 });
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
          if (d.kind !== "businessFlow" || !d.flow || d.corrupt) continue;
          for (const n of d.flow.nodes.values()) {
            out.push({ documentId: d.id, documentTitle: d.title, documentKind: d.kind, elementId: n.id, name: n.name, elementKind: n.kind });
          }
        }
        return ok(out);
      }),
    validateFlow: (documentId: string) => respond<Problem[]>(() => ok(validateFlowModel(flowOf(documentId)))),
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
    chooseBpmnFile: () => respond<string | null>(() => ok(null)),
    chooseSavePath: (_suggestedName: string) => respond<string | null>(() => ok(null)),
    importBpmnFile: (_workspaceId: string, path: string) =>
      respond<DocumentSummary>(() => err("badFile", `${path}: BPMN files open only in the desktop app`)),
    exportBpmnFile: (_documentId: string, path: string) =>
      respond<null>(() => err("badFile", `${path}: BPMN files are written only by the desktop app`)),
    savePicture: (path: string, _data: number[]) =>
      respond<null>(() => err("badFile", `${path}: pictures are written only by the desktop app`)),
    markCorrupt(documentId: string) {
      const d = docs.get(documentId);
      if (d) d.corrupt = true;
    },
  };
  return backend;
}

// --- structural validation ---
//
// A test double of the core's `validate_flow` (crates/model/src/validate.rs and flow.rs
// `graph`). The Rust core is the source of truth: this mirrors it closely enough for the UI's
// tests and the plain-browser mode. A flow document is one process with the id "process"; a
// named sequence flow counts as having a condition (until conditions are modelled).

/** The problem codes in the core's order (the order of `ProblemCode` in validate.rs). */
const PROBLEM_ORDER: readonly ProblemCode[] = [
  "unreachable",
  "deadEnd",
  "noStart",
  "noEnd",
  "crossesPool",
  "missingConditions",
  "parallelJoinedByExclusive",
  "danglingFlow",
];

/** The element id the core uses for problems of the whole flow (noStart, noEnd). */
export const PROCESS_ELEMENT = "process";

/** Checks a flow like the core does; returns problems sorted by code, then element, without duplicates. */
export function validateFlowModel(flow: Pick<Flow, "nodes" | "edges">): Problem[] {
  const problems = new Map<string, Problem>();
  const add = (code: ProblemCode, element: string) => problems.set(`${code}\u0000${element}`, { code, element });

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
      PROBLEM_ORDER.indexOf(a.code) - PROBLEM_ORDER.indexOf(b.code) ||
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
