// The flow model as the UI works with it, and its conversion from the generated boundary types.
//
// The generated bindings may type coordinates and sizes as `number | null` (a float that was not
// finite serializes as null). The UI normalizes every view and patch once, where it arrives, so the
// rest of the code works with plain numbers. Ops the UI sends are assignable to the bindings' ops.

import type * as B from "./bindings";
import { NODE_SIZE } from "./flow/kinds";

export type NodeKind = B.NodeKind;
export type FlowEdge = B.FlowEdge;
export type FlowNode = Omit<B.FlowNode, "x" | "y" | "w" | "h"> & { x: number; y: number; w: number; h: number };
export type Lane = Omit<B.Lane, "y" | "h"> & { y: number; h: number };

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
  | { op: "renameLane"; id: string; name: string };

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

export type FlowView = Omit<B.FlowView, "nodes" | "lanes"> & { nodes: FlowNode[]; lanes: Lane[] };

export const DEFAULT_LANE_HEIGHT = 180;

function num(value: number | null | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

export function normalizeNode(n: B.FlowNode): FlowNode {
  const size = NODE_SIZE[n.kind] ?? NODE_SIZE.task;
  return { id: n.id, kind: n.kind, name: n.name ?? "", x: num(n.x, 0), y: num(n.y, 0), w: num(n.w, size.w), h: num(n.h, size.h) };
}

export function normalizeLane(l: B.Lane): Lane {
  return { id: l.id, name: l.name ?? "", y: num(l.y, 0), h: num(l.h, DEFAULT_LANE_HEIGHT) };
}

export function normalizePatch(p: B.FlowPatch): FlowPatch {
  return {
    nodes: p.nodes.map(normalizeNode),
    removedNodes: p.removedNodes,
    edges: p.edges,
    removedEdges: p.removedEdges,
    lanes: p.lanes.map(normalizeLane),
    removedLanes: p.removedLanes,
  };
}

export function normalizeView(v: B.FlowView): FlowView {
  return { ...v, nodes: v.nodes.map(normalizeNode), lanes: v.lanes.map(normalizeLane) };
}
