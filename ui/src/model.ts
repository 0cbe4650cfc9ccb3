// The flow model as the UI works with it, and its conversion from the generated boundary types.
//
// The generated bindings may type coordinates and sizes as `number | null` (a float that was not
// finite serializes as null). The UI normalizes every view and patch once, where it arrives, so the
// rest of the code works with plain numbers. Ops the UI sends are assignable to the bindings' ops.

import type * as B from "./bindings";
import { NODE_SIZE } from "./flow/kinds";

export type NodeKind = B.NodeKind;
// The `_Serialize` shapes are what the core sends (every field present); what the core
// accepts (`_Deserialize`) is looser, so these are also what the UI sends.
export type FlowEdge = B.FlowEdge_Serialize;
export type FlowNode = Omit<B.FlowNode_Serialize, "x" | "y" | "w" | "h"> & { x: number; y: number; w: number; h: number };
export type Lane = Omit<B.Lane_Serialize, "y" | "h"> & { y: number; h: number };

export type FlowOp =
  | { op: "addNode"; node: FlowNode }
  | { op: "removeNode"; id: string }
  | { op: "moveNode"; id: string; x: number; y: number }
  | { op: "renameNode"; id: string; name: string }
  | { op: "addEdge"; edge: FlowEdge }
  | { op: "removeEdge"; id: string }
  | { op: "renameEdge"; id: string; name: string }
  | { op: "addLane"; lane: Lane }
  | { op: "removeLane"; id: string }
  | { op: "renameLane"; id: string; name: string }
  | { op: "updateNode"; node: FlowNode }
  | { op: "updateEdge"; edge: FlowEdge }
  | { op: "updateLane"; lane: Lane };

// Compile-time check: what the UI sends is what the core accepts.
const opsFitBindings: (ops: FlowOp[]) => B.FlowOp[] = (ops) => ops;
void opsFitBindings;

export type FlowPatch = {
  nodes: FlowNode[];
  removedNodes: string[];
  edges: FlowEdge[];
  removedEdges: string[];
  lanes: Lane[];
  removedLanes: string[];
};

/** A flow as the core sends it when it opens (`openDocument`'s content, with the undo state). */
export type WireFlowView = B.Flow & { documentId: string; canUndo: boolean; canRedo: boolean };

export type FlowView = Omit<WireFlowView, "nodes" | "edges" | "lanes"> & { nodes: FlowNode[]; edges: FlowEdge[]; lanes: Lane[] };

export const DEFAULT_LANE_HEIGHT = 180;

function num(value: number | null | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

export function normalizeNode(n: B.FlowNode): FlowNode {
  const size = NODE_SIZE[n.kind] ?? NODE_SIZE.task;
  return {
    id: n.id,
    kind: n.kind,
    name: n.name ?? "",
    x: num(n.x, 0),
    y: num(n.y, 0),
    w: num(n.w, size.w),
    h: num(n.h, size.h),
    eventDefinition: n.eventDefinition ?? null,
    parent: n.parent ?? null,
    attachedTo: n.attachedTo ?? null,
    processRef: n.processRef ?? null,
    defaultFlow: n.defaultFlow ?? null,
    expanded: n.expanded ?? null,
    interrupting: n.interrupting ?? null,
    triggeredByEvent: n.triggeredByEvent ?? null,
  };
}

export function normalizeEdge(e: B.FlowEdge): FlowEdge {
  return { ...e, condition: e.condition ?? null, waypoints: e.waypoints ?? [] };
}

export function normalizeLane(l: B.Lane): Lane {
  return {
    id: l.id,
    name: l.name ?? "",
    x: l.x ?? null,
    y: num(l.y, 0),
    w: l.w ?? null,
    h: num(l.h, DEFAULT_LANE_HEIGHT),
    pool: l.pool ?? null,
    parentLane: l.parentLane ?? null,
  };
}

/** A new element with no BPMN specifics (none event, no container: decided by where it lies). */
export function makeNode(base: Pick<FlowNode, "id" | "kind" | "name" | "x" | "y" | "w" | "h">): FlowNode {
  return {
    eventDefinition: null,
    parent: null,
    attachedTo: null,
    processRef: null,
    defaultFlow: null,
    expanded: null,
    interrupting: null,
    triggeredByEvent: null,
    ...base,
  };
}

export function makeEdge(id: string, source: string, target: string, name = "", kind: B.EdgeKind = "sequenceFlow"): FlowEdge {
  return { id, kind, source, target, name, condition: null, waypoints: [] };
}

export function makeLane(id: string, name: string, y: number, h: number): Lane {
  return { id, name, x: null, y, w: null, h, pool: null, parentLane: null };
}

export function normalizePatch(p: B.FlowPatch): FlowPatch {
  return {
    nodes: p.nodes.map(normalizeNode),
    removedNodes: p.removedNodes,
    edges: p.edges.map(normalizeEdge),
    removedEdges: p.removedEdges,
    lanes: p.lanes.map(normalizeLane),
    removedLanes: p.removedLanes,
  };
}

export function normalizeView(v: WireFlowView): FlowView {
  return { ...v, nodes: v.nodes.map(normalizeNode), edges: v.edges.map(normalizeEdge), lanes: v.lanes.map(normalizeLane) };
}
