import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { guardBackend } from "../backend";
import { memoryBackend } from "../memoryBackend";
import { makeLane, makeNode } from "../model";
import { moveOps } from "./FlowEditor";
import { kindChoices } from "./PropertiesSection";

function triloop() {
  const api = window.__triloop;
  if (!api) throw new Error("window.__triloop missing");
  return api;
}

describe("the properties of the selected element", () => {
  it("offers kinds within the element's family", () => {
    expect(kindChoices("userTask")).toContain("serviceTask");
    expect(kindChoices("userTask")).not.toContain("exclusiveGateway");
    expect(kindChoices("exclusiveGateway")).toEqual(["exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"]);
    expect(kindChoices("boundaryEvent")).toEqual(["boundaryEvent"]);
    expect(makeNode({ id: "x", kind: "task", name: "", x: 0, y: 0, w: 1, h: 1 }).eventDefinition).toBeNull();
  });

  it("change a gateway's kind, its flows' conditions and its default, and undo", async () => {
    const backend = memoryBackend({ demo: true });
    render(<App backend={guardBackend(backend)} />);
    await screen.findByTestId("canvas");
    await waitFor(() => expect(triloop().nodeCount()).toBeGreaterThan(0));
    const gateway = triloop().nodes().find((n) => n.kind === "exclusiveGateway");
    if (!gateway) throw new Error("the demo has an exclusive gateway");
    triloop().selectNodes([gateway.id]);
    const kind = (await screen.findByTestId("property-kind")) as HTMLSelectElement;
    expect(kind.value).toBe("exclusiveGateway");
    fireEvent.change(kind, { target: { value: "inclusiveGateway" } });
    await waitFor(() => expect(triloop().nodes().find((n) => n.id === gateway.id)?.kind).toBe("inclusiveGateway"));

    const flows = await screen.findAllByTestId("property-flow");
    expect(flows.length).toBeGreaterThanOrEqual(2);
    const condition = screen.getAllByTestId("property-condition")[0] as HTMLInputElement;
    const before = condition.value;
    fireEvent.change(condition, { target: { value: "${amount > 50000}" } });
    fireEvent.blur(condition);
    const edgeId = flows[0].dataset.edgeId;
    await waitFor(() => expect(triloop().edges().find((e) => e.id === edgeId)?.condition).toBe("${amount > 50000}"));

    fireEvent.click(screen.getAllByTestId("property-default")[1]);
    const defaultId = flows[1].dataset.edgeId;
    await waitFor(() => expect(triloop().nodes().find((n) => n.id === gateway.id)?.defaultFlow).toBe(defaultId));
    // The default flow needs no condition: its input is disabled.
    expect((screen.getAllByTestId("property-condition")[1] as HTMLInputElement).disabled).toBe(true);

    // Each change was one undo step.
    fireEvent.click(screen.getByTestId("undo"));
    await waitFor(() => expect(triloop().nodes().find((n) => n.id === gateway.id)?.defaultFlow).toBeNull());
    fireEvent.click(screen.getByTestId("undo"));
    await waitFor(() => expect(triloop().edges().find((e) => e.id === edgeId)?.condition ?? "").toBe(before));
  });

  it("changes an event's trigger within what BPMN allows", async () => {
    const backend = memoryBackend({ demo: true });
    render(<App backend={guardBackend(backend)} />);
    await waitFor(() => expect(triloop().nodeCount()).toBeGreaterThan(0));
    const start = triloop().nodes().find((n) => n.kind === "startEvent");
    if (!start) throw new Error("the demo has a start event");
    triloop().selectNodes([start.id]);
    const trigger = (await screen.findByTestId("property-event-definition")) as HTMLSelectElement;
    const options = Array.from(trigger.options).map((o) => o.value);
    expect(options).toEqual(["", "message", "timer", "signal", "conditional"]);
    fireEvent.change(trigger, { target: { value: "timer" } });
    await waitFor(() => expect(triloop().nodes().find((n) => n.id === start.id)?.eventDefinition).toBe("timer"));
    // Becoming a catching intermediate event keeps the timer; becoming an end event drops it.
    fireEvent.change(screen.getByTestId("property-kind"), { target: { value: "endEvent" } });
    await waitFor(() => {
      const n = triloop().nodes().find((x) => x.id === start.id);
      expect([n?.kind, n?.eventDefinition]).toEqual(["endEvent", null]);
    });
  });
});

describe("lanes in pools", () => {
  it("adds a lane inside the selected pool and grows the pool when it is full", async () => {
    const backend = memoryBackend({ demo: true });
    render(<App backend={guardBackend(backend)} />);
    await waitFor(() => expect(triloop().nodeCount()).toBeGreaterThan(0));
    fireEvent.click(screen.getByTestId("palette-pool"));
    await waitFor(() => expect(triloop().nodes().some((n) => n.kind === "pool")).toBe(true));
    const pool = triloop().nodes().find((n) => n.kind === "pool")!;
    triloop().selectNodes([pool.id]);
    fireEvent.click(screen.getByTestId("palette-lane"));
    await waitFor(() => expect(triloop().lanes().filter((l) => l.pool === pool.id)).toHaveLength(1));
    const first = triloop().lanes().find((l) => l.pool === pool.id)!;
    expect([first.x, first.y, first.w, first.h]).toEqual([pool.x + 30, pool.y, pool.w - 30, pool.h]);
    triloop().selectNodes([pool.id]);
    fireEvent.click(screen.getByTestId("palette-lane"));
    await waitFor(() => expect(triloop().lanes().filter((l) => l.pool === pool.id)).toHaveLength(2));
    const grown = triloop().nodes().find((n) => n.id === pool.id)!;
    expect(grown.h).toBe(pool.h + 180);
  });
});

describe("moving a pool", () => {
  it("moves its lanes with it, in the same edit", () => {
    const pool = { ...makeNode({ id: "p", kind: "pool", name: "银行", x: 0, y: 0, w: 900, h: 400 }) };
    const task = makeNode({ id: "t", kind: "task", name: "审核", x: 100, y: 50, w: 120, h: 72 });
    const lanes = [
      { ...makeLane("l1", "客户经理", 0, 200), x: 30, w: 870, pool: "p" },
      { ...makeLane("l2", "风险经理", 200, 200), x: 30, w: 870, pool: "p" },
      makeLane("other", "其他", 500, 100),
    ];
    const byId = new Map([pool, task].map((n) => [n.id, n]));
    const ops = moveOps(byId, lanes, [
      { id: "p", x: 40.4, y: 100 },
      { id: "t", x: 140, y: 150 },
    ]);
    expect(ops).toEqual([
      { op: "moveNode", id: "p", x: 40, y: 100 },
      { op: "updateLane", lane: { ...lanes[0], x: 70, y: 100 } },
      { op: "updateLane", lane: { ...lanes[1], x: 70, y: 300 } },
      { op: "moveNode", id: "t", x: 140, y: 150 },
    ]);
    // Nothing moved, nothing sent.
    expect(moveOps(byId, lanes, [{ id: "t", x: 100, y: 50 }])).toEqual([]);
  });
});
