import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { guardBackend } from "../backend";
import { memoryBackend } from "../memoryBackend";
import { edgePoints } from "../canvas";
import { makeEdge, makeLane, makeNode, type FlowNode } from "../model";
import { openCanvas, resizeOps, routeOps } from "./FlowEditor";
import { toCanvasEdge, toCanvasNode } from "./toCanvas";

function triloop() {
  const api = window.__triloop;
  if (!api) throw new Error("window.__triloop missing");
  return api;
}

const pointer = (x: number, y: number) => ({ clientX: x, clientY: y, button: 0, isPrimary: true, pointerId: 1 });

describe("resizing a node", () => {
  const task = makeNode({ id: "t", kind: "task", name: "审核", x: 100, y: 50, w: 120, h: 72 });
  const other = makeNode({ id: "o", kind: "task", name: "放款", x: 400, y: 50, w: 120, h: 72 });
  const byId = new Map([task, other].map((n) => [n.id, n]));

  it("is one updateNode with the new bounds and every other field as it was", () => {
    const ops = resizeOps(byId, [], { id: "t", x: 100, y: 49.6, w: 160.2, h: 120 });
    expect(ops).toEqual([{ op: "updateNode", node: { ...task, y: 50, w: 160, h: 120 } }]);
    // Nothing changed, nothing sent; nor for a node that is gone.
    expect(resizeOps(byId, [], { id: "t", x: 100, y: 50, w: 120, h: 72 })).toEqual([]);
    expect(resizeOps(byId, [], { id: "gone", x: 0, y: 0, w: 50, h: 50 })).toEqual([]);
  });

  it("keeps a pool's lanes filling it", () => {
    const pool = makeNode({ id: "p", kind: "pool", name: "银行", x: 0, y: 0, w: 900, h: 400 });
    const lanes = [
      { ...makeLane("l1", "客户经理", 0, 150), x: 30, w: 870, pool: "p" },
      { ...makeLane("l2", "风险经理", 150, 100), x: 30, w: 870, pool: "p" },
      { ...makeLane("l3", "核心系统", 250, 150), pool: "p" },
      { ...makeLane("q", "别的池", 0, 400), x: 930, w: 500, pool: "other" },
    ];
    const pools = new Map([[pool.id, pool]]);
    // Left side 20 in, top 30 up, bottom 40 down.
    const ops = resizeOps(pools, lanes, { id: "p", x: 20, y: -30, w: 880, h: 470 });
    expect(ops).toEqual([
      { op: "updateNode", node: { ...pool, x: 20, y: -30, w: 880, h: 470 } },
      { op: "updateLane", lane: { ...lanes[0], x: 50, w: 850, y: -30, h: 180 } },
      { op: "updateLane", lane: { ...lanes[1], x: 50, w: 850 } },
      // Without bounds of its own it spans the pool already: only its height changes.
      { op: "updateLane", lane: { ...lanes[2], h: 190 } },
    ]);
  });

  it("resizes through the canvas in one edit that one undo takes back", async () => {
    const backend = memoryBackend({ demo: true });
    const editFlow = vi.spyOn(backend, "editDocument");
    render(<App backend={guardBackend(backend)} />);
    await screen.findByTestId("canvas");
    await waitFor(() => expect(triloop().nodeCount()).toBeGreaterThan(0));
    const before = triloop().nodes().find((n) => n.kind === "userTask") as FlowNode;
    act(() => triloop().selectNodes([before.id]));
    const box = openCanvas.view?.nodeRectOnScreen(before.id);
    if (!box) throw new Error("no box");
    const el = screen.getByTestId("flow-canvas");
    fireEvent.pointerDown(el, pointer(box.right, box.bottom));
    fireEvent.pointerMove(el, pointer(box.right + 20, box.bottom + 20));
    fireEvent.pointerMove(el, pointer(box.right + 40, box.bottom + 48));
    fireEvent.pointerUp(el, pointer(box.right + 40, box.bottom + 48));
    // The dragged corner snaps to the grid; the opposite one stays.
    const snap = (v: number) => Math.round(v / 10) * 10;
    const grown = { x: before.x, y: before.y, w: snap(before.x + before.w + 40) - before.x, h: snap(before.y + before.h + 48) - before.y };
    await waitFor(() => expect(editFlow).toHaveBeenCalledTimes(1));
    expect(editFlow.mock.calls[0][1]).toEqual({ kind: "businessFlow", ops: [{ op: "updateNode", node: { ...before, ...grown } }] });
    const bounds = () => {
      const n = triloop().nodes().find((m) => m.id === before.id);
      return n && { x: n.x, y: n.y, w: n.w, h: n.h, name: n.name };
    };
    await waitFor(() => expect(triloop().saveState()).toBe("saved"));
    expect(bounds()).toEqual({ ...grown, name: before.name });

    fireEvent.click(screen.getByTestId("undo"));
    await waitFor(() => expect(bounds()).toEqual({ x: before.x, y: before.y, w: before.w, h: before.h, name: before.name }));
    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(bounds()).toEqual({ ...grown, name: before.name }));
  });
});

describe("editing an edge's route", () => {
  const edge = { ...makeEdge("e", "a", "b", "通过"), condition: "${ok}" };
  const byId = new Map([[edge.id, edge]]);

  it("is one updateEdge with the whole route, rounded, and every other field as it was", () => {
    const waypoints = [{ x: 220, y: 113.6 }, { x: 310, y: 80 }, { x: 400, y: 113.6 }];
    expect(routeOps(byId, { id: "e", waypoints })).toEqual([
      { op: "updateEdge", edge: { ...edge, waypoints: [{ x: 220, y: 114 }, { x: 310, y: 80 }, { x: 400, y: 114 }] } },
    ]);
    // The stored route again, a route of one point, an edge that is gone: nothing.
    const routed = new Map([["e", { ...edge, waypoints: [{ x: 220, y: 114 }, { x: 400, y: 114 }] }]]);
    expect(routeOps(routed, { id: "e", waypoints: [{ x: 220.2, y: 113.6 }, { x: 400, y: 114 }] })).toEqual([]);
    expect(routeOps(byId, { id: "e", waypoints: [{ x: 1, y: 1 }] })).toEqual([]);
    expect(routeOps(byId, { id: "gone", waypoints })).toEqual([]);
  });

  it("inserts a bend point through the canvas in one edit that one undo takes back", async () => {
    const backend = memoryBackend({ demo: true });
    const editFlow = vi.spyOn(backend, "editDocument");
    render(<App backend={guardBackend(backend)} />);
    await screen.findByTestId("canvas");
    await waitFor(() => expect(triloop().nodeCount()).toBeGreaterThan(0));
    const nodes = triloop().nodes();
    const named = (name: string) => nodes.find((n) => n.name === name) as FlowNode;
    const source = named("填写申请资料");
    const target = named("征信与反欺诈查询");
    const before = triloop().edges().find((e) => e.source === source.id && e.target === target.id);
    if (!before) throw new Error("no edge");
    // The route as drawn (automatic: the edge has none stored), and the middle of its longest segment.
    const drawn = edgePoints(toCanvasEdge(before, source), toCanvasNode(source), toCanvasNode(target));
    if (!drawn) throw new Error("no route");
    let k = 0;
    const len = (i: number) => Math.hypot(drawn[i + 1].x - drawn[i].x, drawn[i + 1].y - drawn[i].y);
    for (let i = 1; i + 1 < drawn.length; i++) if (len(i) > len(k)) k = i;
    const mid = { x: (drawn[k].x + drawn[k + 1].x) / 2, y: (drawn[k].y + drawn[k + 1].y) / 2 };
    const view = openCanvas.view;
    if (!view) throw new Error("no canvas");
    const el = screen.getByTestId("flow-canvas");
    const at = (x: number, y: number) => {
      const c = view.flowToClient(x, y);
      return pointer(c.x, c.y);
    };
    // Select the edge by a click on it; then drag its middle handle 60 units to the side.
    fireEvent.pointerDown(el, at(mid.x, mid.y));
    fireEvent.pointerUp(el, at(mid.x, mid.y));
    expect(triloop().selection()).toEqual([before.id]);
    const vertical = drawn[k].x === drawn[k + 1].x;
    const to = vertical ? { x: mid.x + 60, y: mid.y } : { x: mid.x, y: mid.y + 60 };
    fireEvent.pointerDown(el, at(mid.x, mid.y));
    fireEvent.pointerMove(el, at((mid.x + to.x) / 2, (mid.y + to.y) / 2));
    fireEvent.pointerMove(el, at(to.x, to.y));
    fireEvent.pointerUp(el, at(to.x, to.y));
    const snap = (v: number) => Math.round(v / 10) * 10;
    const route = [...drawn.slice(0, k + 1), { x: snap(to.x), y: snap(to.y) }, ...drawn.slice(k + 1)].map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) }));
    await waitFor(() => expect(editFlow).toHaveBeenCalledTimes(1));
    expect(editFlow.mock.calls[0][1]).toEqual({ kind: "businessFlow", ops: [{ op: "updateEdge", edge: { ...before, waypoints: route } }] });
    const stored = () => triloop().edges().find((e) => e.id === before.id);
    await waitFor(() => expect(triloop().saveState()).toBe("saved"));
    expect(stored()).toEqual({ ...before, waypoints: route });
    expect(triloop().selection()).toEqual([before.id]);

    fireEvent.click(screen.getByTestId("undo"));
    await waitFor(() => expect(stored()).toEqual(before));
    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(stored()).toEqual({ ...before, waypoints: route }));
  });
});
