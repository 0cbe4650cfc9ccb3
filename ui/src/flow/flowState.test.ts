import { describe, expect, it } from "vitest";
import { makeEdge, makeLane, makeNode, type FlowEdge, type FlowNode, type FlowPatch, type Lane } from "../model";
import { applyPatch, emptyPatch, opsToPatch, selectOnly, viewToState } from "./flowState";

const node = (id: string, x = 0, y = 0, name = id): FlowNode => makeNode({ id, kind: "task", name, x, y, w: 100, h: 60 });
const edge = (id: string, source: string, target: string, name = ""): FlowEdge => makeEdge(id, source, target, name);
const lane = (id: string, y: number): Lane => makeLane(id, id, y, 100);
const patch = (p: Partial<FlowPatch>): FlowPatch => ({ ...emptyPatch(), ...p });

function base() {
  return viewToState({
    nodes: [node("a", 0, 0), node("b", 200, 0), node("c", 400, 0)],
    edges: [edge("ab", "a", "b"), edge("bc", "b", "c")],
    lanes: [lane("l2", 100), lane("l1", 0)],
  });
}

describe("viewToState", () => {
  it("builds xyflow nodes, edges and sorted lanes", () => {
    const s = base();
    expect(s.nodes.map((n) => n.id)).toEqual(["a", "b", "c"]);
    expect(s.nodes[1]).toMatchObject({ type: "task", position: { x: 200, y: 0 }, width: 100, height: 60, data: { name: "b" } });
    expect(s.edges.map((e) => [e.id, e.source, e.target, e.type])).toEqual([
      ["ab", "a", "b", "sequence"],
      ["bc", "b", "c", "sequence"],
    ]);
    expect(s.lanes.map((l) => l.id)).toEqual(["l1", "l2"]);
    expect(s.extent).toEqual({ minX: 0, maxX: 500 });
  });

  it("drops edges whose nodes are missing", () => {
    const s = viewToState({ nodes: [node("a")], edges: [edge("ax", "a", "x")], lanes: [] });
    expect(s.edges).toEqual([]);
  });
});

describe("applyPatch", () => {
  it("returns the same state for an empty patch", () => {
    const s = base();
    expect(applyPatch(s, emptyPatch())).toBe(s);
  });

  it("upserts nodes and keeps unchanged node objects", () => {
    const s = base();
    const next = applyPatch(s, patch({ nodes: [{ ...node("b", 250, 10), name: "B" }, node("d", 600, 0)] }));
    expect(next.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "d"]);
    expect(next.nodes[0]).toBe(s.nodes[0]);
    expect(next.nodes[2]).toBe(s.nodes[2]);
    expect(next.nodes[1]).toMatchObject({ position: { x: 250, y: 10 }, data: { name: "B" } });
    expect(next.nodeById.get("d")?.x).toBe(600);
    expect(next.edges).toBe(s.edges);
    expect(next.extent).toEqual({ minX: 0, maxX: 700 });
    // The input state is not modified.
    expect(s.nodes).toHaveLength(3);
    expect(s.nodeById.has("d")).toBe(false);
  });

  it("keeps the node object when the patch repeats what is shown", () => {
    const s = base();
    const next = applyPatch(s, patch({ nodes: [node("a", 0, 0)] }));
    expect(next.nodes[0]).toBe(s.nodes[0]);
  });

  it("keeps selection and measurement of an updated node", () => {
    let s = selectOnly(base(), ["b"]);
    s = { ...s, nodes: s.nodes.map((n) => (n.id === "b" ? { ...n, measured: { width: 100, height: 60 } } : n)) };
    const next = applyPatch(s, patch({ nodes: [node("b", 300, 0)] }));
    expect(next.nodes[1].selected).toBe(true);
    expect(next.nodes[1].measured).toEqual({ width: 100, height: 60 });
  });

  it("removes nodes and every edge touching them", () => {
    const s = base();
    const next = applyPatch(s, patch({ removedNodes: ["b"] }));
    expect(next.nodes.map((n) => n.id)).toEqual(["a", "c"]);
    expect(next.edges).toEqual([]);
    expect(next.edgeById.size).toBe(0);
    expect(next.nodeById.has("b")).toBe(false);
  });

  it("adds, renames and removes edges", () => {
    const s = base();
    const next = applyPatch(s, patch({ edges: [edge("ac", "a", "c"), edge("ab", "a", "b", "yes")], removedEdges: ["bc"] }));
    expect(next.edges.map((e) => [e.id, e.data?.name])).toEqual([
      ["ab", "yes"],
      ["ac", ""],
    ]);
    expect([...next.edgeById.keys()].sort()).toEqual(["ab", "ac"]);
    expect(next.nodes).toBe(s.nodes);
  });

  it("ignores an added edge whose node does not exist", () => {
    const next = applyPatch(base(), patch({ edges: [edge("ax", "a", "x")] }));
    expect(next.edges.map((e) => e.id)).toEqual(["ab", "bc"]);
  });

  it("upserts and removes lanes, keeping them sorted by y", () => {
    const s = base();
    const next = applyPatch(s, patch({ lanes: [lane("l0", -100), { ...lane("l2", 100), name: "Risk" }], removedLanes: ["l1"] }));
    expect(next.lanes.map((l) => [l.id, l.name])).toEqual([
      ["l0", "l0"],
      ["l2", "Risk"],
    ]);
  });

  it("handles a node added and removed by the same patch", () => {
    const next = applyPatch(base(), patch({ nodes: [node("z")], removedNodes: ["z"] }));
    expect(next.nodes.map((n) => n.id)).toEqual(["a", "b", "c"]);
    expect(next.nodeById.has("z")).toBe(false);
  });
});

describe("opsToPatch", () => {
  it("predicts the core's patch for a batch of ops", () => {
    const s = base();
    const p = opsToPatch(s, [
      { op: "addNode", node: node("d", 600, 0) },
      { op: "addEdge", edge: edge("cd", "c", "d") },
      { op: "moveNode", id: "a", x: 5, y: 6 },
      { op: "renameNode", id: "a", name: "Apply" },
      { op: "renameEdge", id: "ab", name: "ok" },
      { op: "addLane", lane: lane("l3", 200) },
      { op: "renameLane", id: "l1", name: "Customer" },
    ]);
    expect(p.nodes).toEqual([node("d", 600, 0), { ...node("a", 5, 6), name: "Apply" }]);
    expect(p.edges).toEqual([edge("cd", "c", "d"), edge("ab", "a", "b", "ok")]);
    expect(p.lanes).toEqual([lane("l3", 200), { ...lane("l1", 0), name: "Customer" }]);
    expect(p.removedNodes).toEqual([]);
  });

  it("removes the edges of a removed node, including edges added in the same batch", () => {
    const s = base();
    const p = opsToPatch(s, [
      { op: "addEdge", edge: edge("ca", "c", "a") },
      { op: "removeNode", id: "a" },
    ]);
    expect(p.removedNodes).toEqual(["a"]);
    expect(p.removedEdges).toEqual(["ab"]);
    expect(p.edges).toEqual([]);
    const next = applyPatch(s, p);
    expect(next.edges.map((e) => e.id)).toEqual(["bc"]);
  });

  it("skips ops the core would refuse", () => {
    const p = opsToPatch(base(), [
      { op: "moveNode", id: "nope", x: 1, y: 1 },
      { op: "addEdge", edge: edge("x", "a", "nope") },
      { op: "addNode", node: node("a", 9, 9) },
      { op: "removeLane", id: "nope" },
    ]);
    expect(p).toEqual(emptyPatch());
  });

  it("applied optimistically then confirmed yields the same element objects", () => {
    const s = base();
    const ops = [{ op: "moveNode" as const, id: "b", x: 210, y: 20 }];
    const optimistic = applyPatch(s, opsToPatch(s, ops));
    const confirmed = applyPatch(optimistic, patch({ nodes: [node("b", 210, 20)] }));
    expect(confirmed.nodes[1]).toBe(optimistic.nodes[1]);
  });
});

describe("selectOnly", () => {
  it("selects exactly the given nodes and clears edge selection", () => {
    let s = base();
    s = { ...s, edges: s.edges.map((e) => ({ ...e, selected: true })) };
    const next = selectOnly(s, ["a", "c"]);
    expect(next.nodes.map((n) => !!n.selected)).toEqual([true, false, true]);
    expect(next.nodes[1]).toBe(s.nodes[1]);
    expect(next.edges.every((e) => !e.selected)).toBe(true);
    expect(selectOnly(next, ["a", "c"])).toBe(next);
  });
});
