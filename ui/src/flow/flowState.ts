// Local state of an open flow and the pure functions that change it.
//
// The canvas keeps xyflow's node and edge arrays plus id-keyed maps of the model.
// Applying a patch makes one pass over the arrays and keeps every unchanged element object
// as it was, so React and xyflow only redo work for the elements the patch touched.

import { MarkerType, Position, type Edge, type Node, type NodeHandle } from "@xyflow/react";
import type { FlowEdge, FlowNode, FlowOp, FlowPatch, FlowView, Lane, NodeKind } from "../model";

export type BpmnNodeData = { kind: NodeKind; name: string };
export type BpmnNode = Node<BpmnNodeData, NodeKind>;
export type SequenceEdgeData = { name: string };
export type SequenceEdge = Edge<SequenceEdgeData, "sequence">;

export type Extent = { minX: number; maxX: number };

export type FlowState = {
  nodes: BpmnNode[];
  edges: SequenceEdge[];
  lanes: Lane[];
  /** The model as last known (confirmed or optimistic), by id. */
  nodeById: Map<string, FlowNode>;
  edgeById: Map<string, FlowEdge>;
  /** Horizontal extent of all nodes seen so far; lanes span it. It only grows. */
  extent: Extent;
};

export const SEQUENCE_MARKER = { type: MarkerType.ArrowClosed, width: 16, height: 16, color: "#3d4a5c" } as const;

export function emptyPatch(): FlowPatch {
  return { nodes: [], removedNodes: [], edges: [], removedEdges: [], lanes: [], removedLanes: [] };
}

export function emptyState(): FlowState {
  return { nodes: [], edges: [], lanes: [], nodeById: new Map(), edgeById: new Map(), extent: { minX: 0, maxX: 0 } };
}

function sameNode(rf: BpmnNode, n: FlowNode): boolean {
  return (
    rf.type === n.kind &&
    rf.position.x === n.x &&
    rf.position.y === n.y &&
    rf.width === n.w &&
    rf.height === n.h &&
    rf.data.name === n.name &&
    rf.data.kind === n.kind
  );
}

export const HANDLE_SIZE = 9;
const handleCache = new Map<string, NodeHandle[]>();

/**
 * The four connection handles of a node of this size, declared up front. Without them xyflow
 * renders every node once to measure its handles, which defeats onlyRenderVisibleElements
 * when a large flow opens.
 */
export function nodeHandles(w: number, h: number): NodeHandle[] {
  const key = `${w}x${h}`;
  let handles = handleCache.get(key);
  if (!handles) {
    const s = HANDLE_SIZE;
    const at = (position: Position, x: number, y: number): NodeHandle => ({
      id: position,
      type: "source",
      position,
      x: x - s / 2,
      y: y - s / 2,
      width: s,
      height: s,
    });
    handles = [at(Position.Top, w / 2, 0), at(Position.Right, w, h / 2), at(Position.Bottom, w / 2, h), at(Position.Left, 0, h / 2)];
    handleCache.set(key, handles);
  }
  return handles;
}

/** The xyflow node for a model node; returns `prev` itself when nothing visible changed. */
export function toRfNode(n: FlowNode, prev?: BpmnNode): BpmnNode {
  if (prev && sameNode(prev, n)) return prev;
  const rf: BpmnNode = {
    id: n.id,
    type: n.kind,
    position: { x: n.x, y: n.y },
    width: n.w,
    height: n.h,
    handles: nodeHandles(n.w, n.h),
    data: { kind: n.kind, name: n.name },
  };
  // Containers (pools, groups, expanded sub-processes) lie under what they contain.
  if (n.kind === "pool" || n.kind === "group" || (n.expanded === true && n.w > 200)) rf.zIndex = -1;
  if (prev?.selected) rf.selected = true;
  // Keep xyflow's measurement when the size is unchanged: a node without `measured` is hidden
  // until it is measured again.
  if (prev?.measured && prev.width === n.w && prev.height === n.h) rf.measured = prev.measured;
  return rf;
}

export function toRfEdge(e: FlowEdge, prev?: SequenceEdge): SequenceEdge {
  if (prev && prev.source === e.source && prev.target === e.target && prev.data?.name === e.name) return prev;
  const rf: SequenceEdge = {
    id: e.id,
    type: "sequence",
    source: e.source,
    target: e.target,
    data: { name: e.name },
    markerEnd: SEQUENCE_MARKER,
  };
  if (prev?.selected) rf.selected = true;
  return rf;
}

export function sortLanes(lanes: Lane[]): Lane[] {
  return [...lanes].sort((a, b) => a.y - b.y);
}

function growExtent(extent: Extent, nodes: Iterable<FlowNode>, first: boolean): Extent {
  let { minX, maxX } = extent;
  let seen = !first;
  for (const n of nodes) {
    if (!seen) {
      minX = n.x;
      maxX = n.x + n.w;
      seen = true;
    } else {
      if (n.x < minX) minX = n.x;
      if (n.x + n.w > maxX) maxX = n.x + n.w;
    }
  }
  return minX === extent.minX && maxX === extent.maxX ? extent : { minX, maxX };
}

export function viewToState(view: Pick<FlowView, "nodes" | "edges" | "lanes">): FlowState {
  const nodeById = new Map(view.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(view.edges.map((e) => [e.id, e]));
  return {
    nodes: view.nodes.map((n) => toRfNode(n)),
    edges: view.edges.filter((e) => nodeById.has(e.source) && nodeById.has(e.target)).map((e) => toRfEdge(e)),
    lanes: sortLanes(view.lanes),
    nodeById,
    edgeById,
    extent: growExtent({ minX: 0, maxX: 0 }, view.nodes, true),
  };
}

export function isEmptyPatch(p: FlowPatch): boolean {
  return (
    p.nodes.length === 0 &&
    p.removedNodes.length === 0 &&
    p.edges.length === 0 &&
    p.removedEdges.length === 0 &&
    p.lanes.length === 0 &&
    p.removedLanes.length === 0
  );
}

/**
 * Applies a patch: upserts and removals of nodes, edges and lanes. Edges whose node is removed
 * go too (the core sends them in removedEdges anyway). Unchanged element objects are kept.
 */
export function applyPatch(state: FlowState, patch: FlowPatch): FlowState {
  if (isEmptyPatch(patch)) return state;
  const removedNodes = new Set(patch.removedNodes);
  const next: FlowState = { ...state };

  if (patch.nodes.length > 0 || removedNodes.size > 0) {
    const upserts = new Map(patch.nodes.map((n) => [n.id, n]));
    const nodes: BpmnNode[] = [];
    for (const rf of state.nodes) {
      if (removedNodes.has(rf.id)) continue;
      const up = upserts.get(rf.id);
      if (up) {
        nodes.push(toRfNode(up, rf));
        upserts.delete(rf.id);
      } else {
        nodes.push(rf);
      }
    }
    for (const up of upserts.values()) if (!removedNodes.has(up.id)) nodes.push(toRfNode(up));
    next.nodes = nodes;
    const nodeById = new Map(state.nodeById);
    for (const id of removedNodes) nodeById.delete(id);
    for (const n of patch.nodes) if (!removedNodes.has(n.id)) nodeById.set(n.id, n);
    next.nodeById = nodeById;
    next.extent = growExtent(state.extent, patch.nodes, state.nodes.length === 0);
  }

  if (patch.edges.length > 0 || patch.removedEdges.length > 0 || removedNodes.size > 0) {
    const removedEdges = new Set(patch.removedEdges);
    const upserts = new Map(patch.edges.map((e) => [e.id, e]));
    const dangling = (e: { source: string; target: string }) =>
      removedNodes.has(e.source) || removedNodes.has(e.target) || !next.nodeById.has(e.source) || !next.nodeById.has(e.target);
    const edges: SequenceEdge[] = [];
    const edgeById = new Map(state.edgeById);
    for (const rf of state.edges) {
      const up = upserts.get(rf.id);
      if (removedEdges.has(rf.id) || (removedNodes.size > 0 && dangling(up ?? rf))) {
        edgeById.delete(rf.id);
        upserts.delete(rf.id);
        continue;
      }
      if (up) {
        edges.push(toRfEdge(up, rf));
        upserts.delete(rf.id);
      } else {
        edges.push(rf);
      }
    }
    for (const up of upserts.values()) {
      if (!removedEdges.has(up.id) && !dangling(up)) edges.push(toRfEdge(up));
    }
    for (const id of removedEdges) edgeById.delete(id);
    for (const e of patch.edges) if (!removedEdges.has(e.id) && !dangling(e)) edgeById.set(e.id, e);
    next.edges = edges;
    next.edgeById = edgeById;
  }

  if (patch.lanes.length > 0 || patch.removedLanes.length > 0) {
    const removed = new Set(patch.removedLanes);
    const upserts = new Map(patch.lanes.map((l) => [l.id, l]));
    const lanes = state.lanes.filter((l) => !removed.has(l.id)).map((l) => upserts.get(l.id) ?? l);
    const known = new Set(state.lanes.map((l) => l.id));
    for (const l of patch.lanes) if (!known.has(l.id) && !removed.has(l.id)) lanes.push(l);
    next.lanes = sortLanes(lanes);
  }
  return next;
}

/**
 * The patch the core is expected to return for `ops`, computed locally so that the canvas
 * can show an edit at once (the core's real patch is applied when it arrives).
 * Ops that would fail are skipped here; the core reports them and the UI reloads.
 */
export function opsToPatch(state: FlowState, ops: FlowOp[]): FlowPatch {
  const nodes = new Map<string, FlowNode | null>();
  const edges = new Map<string, FlowEdge | null>();
  const lanes = new Map<string, Lane | null>();
  const laneById = new Map(state.lanes.map((l) => [l.id, l]));
  const getNode = (id: string) => (nodes.has(id) ? nodes.get(id)! : (state.nodeById.get(id) ?? null));
  const getEdge = (id: string) => (edges.has(id) ? edges.get(id)! : (state.edgeById.get(id) ?? null));
  const getLane = (id: string) => (lanes.has(id) ? lanes.get(id)! : (laneById.get(id) ?? null));
  // Built once, on the first removeNode, so deleting many nodes stays linear in the edge count.
  let incident: Map<string, string[]> | null = null;
  const incidentEdges = () => {
    if (!incident) {
      incident = new Map();
      for (const e of state.edges) {
        for (const end of [e.source, e.target]) {
          const list = incident.get(end);
          if (list) list.push(e.id);
          else incident.set(end, [e.id]);
        }
      }
    }
    return incident;
  };

  for (const op of ops) {
    switch (op.op) {
      case "addNode":
        if (!getNode(op.node.id)) nodes.set(op.node.id, op.node);
        break;
      case "removeNode": {
        if (!getNode(op.id)) break;
        nodes.set(op.id, null);
        for (const id of incidentEdges().get(op.id) ?? []) edges.set(id, null);
        for (const [id, e] of edges) if (e && (e.source === op.id || e.target === op.id)) edges.set(id, null);
        break;
      }
      case "moveNode": {
        const n = getNode(op.id);
        if (n) nodes.set(op.id, { ...n, x: op.x, y: op.y });
        break;
      }
      case "renameNode": {
        const n = getNode(op.id);
        if (n) nodes.set(op.id, { ...n, name: op.name });
        break;
      }
      case "addEdge":
        if (!getEdge(op.edge.id) && getNode(op.edge.source) && getNode(op.edge.target)) edges.set(op.edge.id, op.edge);
        break;
      case "removeEdge":
        if (getEdge(op.id)) edges.set(op.id, null);
        break;
      case "renameEdge": {
        const e = getEdge(op.id);
        if (e) edges.set(op.id, { ...e, name: op.name });
        break;
      }
      case "addLane":
        if (!getLane(op.lane.id)) lanes.set(op.lane.id, op.lane);
        break;
      case "removeLane":
        if (getLane(op.id)) lanes.set(op.id, null);
        break;
      case "renameLane": {
        const l = getLane(op.id);
        if (l) lanes.set(op.id, { ...l, name: op.name });
        break;
      }
      case "updateNode":
        if (getNode(op.node.id)) nodes.set(op.node.id, op.node);
        break;
      case "updateEdge":
        if (getEdge(op.edge.id)) edges.set(op.edge.id, op.edge);
        break;
      case "updateLane":
        if (getLane(op.lane.id)) lanes.set(op.lane.id, op.lane);
        break;
    }
  }

  const patch = emptyPatch();
  for (const [id, n] of nodes) {
    if (n) patch.nodes.push(n);
    else if (state.nodeById.has(id)) patch.removedNodes.push(id);
  }
  for (const [id, e] of edges) {
    if (e) patch.edges.push(e);
    else if (state.edgeById.has(id)) patch.removedEdges.push(id);
  }
  for (const [id, l] of lanes) {
    if (l) patch.lanes.push(l);
    else if (laneById.has(id)) patch.removedLanes.push(id);
  }
  return patch;
}

/**
 * Sets `selected` on exactly the given nodes and edges (by default no edge); untouched objects
 * are kept.
 */
export function selectOnly(state: FlowState, ids: readonly string[], edgeIds: readonly string[] = []): FlowState {
  // New arrays only where something changed: a new edges array makes xyflow rebuild its
  // connection lookup, which is the costliest step in a large flow.
  const want = new Set(ids);
  const wantEdges = new Set(edgeIds);
  const next = { ...state };
  if (state.nodes.some((n) => !!n.selected !== want.has(n.id))) {
    next.nodes = state.nodes.map((n) => (!!n.selected === want.has(n.id) ? n : { ...n, selected: want.has(n.id) }));
  }
  if (state.edges.some((e) => !!e.selected !== wantEdges.has(e.id))) {
    next.edges = state.edges.map((e) => (!!e.selected === wantEdges.has(e.id) ? e : { ...e, selected: wantEdges.has(e.id) }));
  }
  return next.nodes === state.nodes && next.edges === state.edges ? state : next;
}

/** The model node as it is on the canvas right now (its position may be mid-drag). */
export function currentModelNode(state: FlowState, rf: BpmnNode): FlowNode | undefined {
  const n = state.nodeById.get(rf.id);
  return n ? { ...n, x: rf.position.x, y: rf.position.y } : undefined;
}
