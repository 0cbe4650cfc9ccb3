import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { guardBackend } from "../backend";
import { memoryBackend } from "../memoryBackend";
import { makeLane, makeNode, type FlowNode } from "../model";
import { openCanvas, resizeOps } from "./FlowEditor";

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
    const editFlow = vi.spyOn(backend, "editFlow");
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
    expect(editFlow.mock.calls[0][1]).toEqual([{ op: "updateNode", node: { ...before, ...grown } }]);
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
