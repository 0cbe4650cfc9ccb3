import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { guardBackend, type Backend } from "../backend";
import type { ApiError } from "../bindings";
import type { Result } from "../backend";
import i18n from "../i18n";
import { memoryBackend } from "../memoryBackend";
import { makeEdge, makeNode, type FlowEdge, type FlowNode, type FlowOp } from "../model";
import { indexProblems, sortForDisplay } from "./problems";
import { editFlow } from "./flowCalls";

function triloop() {
  const api = window.__triloop;
  if (!api) throw new Error("window.__triloop missing");
  return api;
}

function ok<T>(r: Result<T, ApiError>): T {
  if (r.status !== "ok") throw new Error(`expected ok, got ${r.error.code}`);
  return r.data;
}

const node = (id: string, kind: FlowNode["kind"], name: string, x: number): FlowNode => makeNode({ id, kind, name, x, y: 40, w: 120, h: 72 });
const edge = (id: string, source: string, target: string, name = ""): FlowEdge => makeEdge(id, source, target, name);

/** A flow with four problems: "Review" and "Archive" are dead ends, "Archive" is unreachable, no end event. */
async function seeded(wrap: (b: Backend) => Backend = (b) => b, extra: FlowOp[] = []) {
  const inner = memoryBackend();
  const ws = ok(await inner.createWorkspace("Loans"));
  const doc = ok(await inner.createDocument(ws.id, "businessFlow", "Application"));
  ok(
    await editFlow(inner, doc.id, [
      { op: "addNode", node: node("apply", "startEvent", "Apply", 0) },
      { op: "addNode", node: node("review", "userTask", "Review", 200) },
      { op: "addNode", node: node("archive", "task", "Archive", 400) },
      { op: "addEdge", edge: edge("e1", "apply", "review") },
      ...extra,
    ]),
  );
  const backend = wrap(inner);
  render(<App backend={guardBackend(backend)} />);
  await screen.findByTestId("canvas");
  return { inner, backend, docId: doc.id };
}

async function readyCount(count: number) {
  const toggle = screen.getByTestId("problems-toggle");
  await waitFor(() => {
    expect(toggle.dataset.state).toBe("ready");
    expect(toggle.dataset.count).toBe(String(count));
  });
  return toggle;
}

afterEach(async () => {
  await act(() => i18n.changeLanguage("en"));
});

describe("problems list", () => {
  it("lists translated problems in English and Chinese", async () => {
    await seeded();
    const toggle = await readyCount(4);
    expect(toggle.textContent).toContain("4 problems");
    expect(triloop().problems()).toEqual([
      { code: "noEnd", element: "process" },
      { code: "unreachable", element: "archive" },
      { code: "deadEnd", element: "review" },
      { code: "deadEnd", element: "archive" },
    ]);

    expect(screen.queryByTestId("problems-panel")).toBeNull();
    fireEvent.click(toggle);
    const panel = screen.getByTestId("problems-panel");
    const items = within(panel).getAllByTestId("problem-item");
    expect(items.map((i) => [i.dataset.code, i.dataset.element])).toEqual([
      ["noEnd", "process"],
      ["unreachable", "archive"],
      ["deadEnd", "review"],
      ["deadEnd", "archive"],
    ]);
    expect(items[0].textContent).toContain("The flow has no end event");
    expect(items[1].textContent).toContain("“Archive” cannot be reached from any start event");
    expect(items[2].textContent).toContain("“Review” has no outgoing sequence flow and is not an end event");

    fireEvent.click(screen.getByTestId("lang-zh"));
    await waitFor(() => expect(toggle.textContent).toContain("4 个问题"));
    const zh = within(screen.getByTestId("problems-panel")).getAllByTestId("problem-item");
    expect(zh[0].textContent).toContain("本流程缺少结束事件");
    expect(zh[1].textContent).toContain("无法从任何开始事件到达「Archive」");
    expect(zh[2].textContent).toContain("「Review」没有出向顺序流，且不是结束事件");
  });

  it("marks nodes with problems, and clicking a problem selects its element", async () => {
    await seeded();
    await readyCount(4);
    // The canvas marks the elements with problems (drawn, so read through the test hooks).
    await waitFor(() => expect(new Map(triloop().problemMarks()).get("archive")).toBe("error"));
    const marks = new Map(triloop().problemMarks());
    expect(marks.get("review")).toBe("error");
    expect(marks.has("apply")).toBe(false);

    fireEvent.click(screen.getByTestId("problems-toggle"));
    const item = screen.getAllByTestId("problem-item").find((i) => i.dataset.element === "archive")!;
    expect(item.textContent).toContain("“Archive” cannot be reached from any start event");
    fireEvent.click(item);
    await waitFor(() => expect(triloop().selection()).toEqual(["archive"]));
  });

  it("marks the unconditioned flows of a gateway, not the conditioned ones", async () => {
    await seeded(undefined, [
      { op: "addNode", node: { ...node("gate", "exclusiveGateway", "Approved?", 100), y: 150, w: 50, h: 50 } },
      { op: "addEdge", edge: { ...edge("g1", "gate", "review", "Yes"), condition: "${approved}" } },
      { op: "addEdge", edge: edge("g2", "gate", "archive") },
    ]);
    await waitFor(() => expect(triloop().problems().map((p) => p.code)).toContain("missingConditions"));
    await waitFor(() => expect(new Map(triloop().problemMarks()).has("gate")).toBe(true));
    fireEvent.click(screen.getByTestId("problems-toggle"));
    const texts = screen
      .getAllByTestId("problem-item")
      .filter((i) => i.dataset.element === "gate")
      .map((i) => i.textContent);
    expect(texts.some((x) => x?.includes("Gateway “Approved?” has outgoing sequence flows without conditions and no default flow"))).toBe(true);
  });

  it("revalidates after an edit settles and says when there are no problems", async () => {
    await seeded();
    await readyCount(4);
    fireEvent.click(screen.getByTestId("problems-toggle"));
    // Remove the loose task and finish the flow with an end event.
    act(() => triloop().selectNodes(["archive"]));
    fireEvent.keyDown(screen.getByTestId("canvas"), { key: "Delete" });
    await readyCount(2);
    fireEvent.click(screen.getByTestId("palette-endEvent"));
    const end = triloop().nodes().at(-1)!.id;
    act(() => triloop().selectNodes(["review", end]));
    fireEvent.click(screen.getByTestId("connect-selected"));
    await readyCount(0);
    expect(triloop().problems()).toEqual([]);
    expect(screen.getByTestId("problems-empty").textContent).toContain("No structural problems");
    expect(screen.getByTestId("problems-toggle").textContent).toContain("No problems");
    expect(document.querySelectorAll('[data-testid="node-problem-badge"]')).toHaveLength(0);

    fireEvent.click(screen.getByTestId("lang-zh"));
    await waitFor(() => expect(screen.getByTestId("problems-empty").textContent).toContain("未发现结构问题"));
  });

  it("ignores an answer for a flow that changed meanwhile", async () => {
    const held: (() => void)[] = [];
    const calls = vi.fn();
    await seeded((inner) => ({
      ...inner,
      // Computed when asked, answered when the test says so.
      validateDocument: (id: string) => {
        calls(id);
        const answer = inner.validateDocument(id);
        return new Promise<Awaited<typeof answer>>((resolve) => held.push(() => void answer.then(resolve)));
      },
    }));
    await waitFor(() => expect(held).toHaveLength(1));
    expect(screen.getByTestId("problems-toggle").dataset.state).toBe("pending");

    // An edit before the first answer arrives: that answer describes an older flow.
    fireEvent.click(screen.getByTestId("palette-endEvent"));
    await waitFor(() => expect(screen.getByTestId("save-status").dataset.state).toBe("saved"));
    await act(async () => held.shift()!());
    expect(triloop().problems()).toEqual([]);
    expect(screen.getByTestId("problems-toggle").dataset.state).toBe("pending");

    // The check after the edit settles is the one that counts.
    await waitFor(() => expect(held).toHaveLength(1));
    await act(async () => held.shift()!());
    const toggle = await readyCount(4);
    const end = triloop().nodes().at(-1)!.id;
    expect(triloop().problems().map((p) => `${p.code}:${p.element}`)).toContain(`deadEnd:review`);
    expect(triloop().problems().map((p) => `${p.code}:${p.element}`)).toContain(`unreachable:${end}`);
    expect(toggle.dataset.count).toBe("4");
    expect(calls).toHaveBeenCalledTimes(2);
  });
});

describe("problem index", () => {
  const flow = {
    nodeById: new Map([
      ["g", node("g", "exclusiveGateway", "Approved?", 0)],
      ["a", node("a", "task", "Sign", 200)],
      ["b", node("b", "task", "", 400)],
    ]),
    edgeById: new Map([
      ["ga", edge("ga", "g", "a", "yes")],
      ["gb", edge("gb", "g", "b")],
    ]),
  };

  it("maps elements to codes and marks the unconditioned flows of a gateway", () => {
    const index = indexProblems(
      [
        { code: "missingConditions", element: "g" },
        { code: "deadEnd", element: "b" },
        { code: "unreachable", element: "b" },
      ],
      flow,
    );
    expect(Object.fromEntries(index)).toEqual({ g: ["missingConditions"], b: ["deadEnd", "unreachable"], gb: ["missingConditions"] });
  });

  it("sorts the flow's own problems first, then by code and position", () => {
    const sorted = sortForDisplay(
      [
        { code: "deadEnd", element: "b" },
        { code: "deadEnd", element: "a" },
        { code: "noStart", element: "process" },
      ],
      flow,
    );
    expect(sorted.map((p) => p.element)).toEqual(["process", "a", "b"]);
  });
});
