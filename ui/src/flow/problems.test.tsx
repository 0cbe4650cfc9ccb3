import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { guardBackend, type Backend } from "../backend";
import type { ApiError, Problem } from "../bindings";
import type { Result } from "../backend";
import i18n from "../i18n";
import { memoryBackend } from "../memoryBackend";
import { makeEdge, makeNode, type FlowEdge, type FlowNode, type FlowOp } from "../model";
import { canvasElement, elementKind, indexProblems, problemMessage, sortForDisplay, worstSeverity } from "./problems";
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
    expect(
      texts.some((x) => x?.includes("“Approved?” splits by conditions, but an outgoing sequence flow has no condition and is not the default flow")),
    ).toBe(true);
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

  /** The seeded flow, with the core's answer replaced by `problems` (rules the double lacks). */
  const answering = (problems: Problem[]) =>
    seeded((inner) => ({
      ...inner,
      validateDocument: async () => ({ status: "ok", data: { kind: "businessFlow", problems } }) as const,
    }));

  it("marks a warning-only element as a warning, and an element with an error and a warning as an error", async () => {
    await answering([
      { code: "fakeJoin", element: "review", severity: "warning" },
      { code: "inclusiveGateway", element: "archive", severity: "warning" },
      { code: "disconnected", element: "archive", severity: "error" },
    ]);
    await readyCount(3);
    await waitFor(() => expect(new Map(triloop().problemMarks()).get("review")).toBe("warning"));
    const marks = new Map(triloop().problemMarks());
    expect(marks.get("archive")).toBe("error");
    expect(marks.has("apply")).toBe(false);
    // The badge takes the worst severity of all.
    expect(screen.getByTestId("problems-toggle").className).toContain("has-error");

    fireEvent.click(screen.getByTestId("problems-toggle"));
    const items = screen.getAllByTestId("problem-item");
    expect(items.map((i) => [i.dataset.code, i.dataset.severity])).toEqual([
      ["fakeJoin", "warning"],
      ["disconnected", "error"],
      ["inclusiveGateway", "warning"],
    ]);
  });

  it("renders a new code's message in English and Chinese", async () => {
    await answering([{ code: "fakeJoin", element: "review", severity: "warning" }]);
    const toggle = await readyCount(1);
    expect(toggle.className).toContain("has-warning");
    fireEvent.click(toggle);
    const item = screen.getByTestId("problem-item");
    expect(item.textContent).toContain("“Review” has several incoming sequence flows but does not wait for all of them");
    expect(item.textContent).toContain("Join the flows with a parallel gateway before it");
    fireEvent.click(screen.getByTestId("lang-zh"));
    await waitFor(() => expect(screen.getByTestId("problem-item").textContent).toContain("「Review」有多条入向顺序流，但不会等待它们全部到达"));
    expect(screen.getByTestId("problem-item").textContent).toContain("用并行网关汇合这些顺序流");
  });

  it("lists problems of elements the canvas does not draw, by id, and says so", async () => {
    await answering([
      { code: "deadEnd", element: "review", severity: "error" },
      { code: "globalUnused", element: "Message_1", severity: "warning" },
      { code: "noEnd", element: "process", severity: "error" },
    ]);
    await readyCount(3);
    // Nothing on the canvas carries the global's problem.
    await waitFor(() => expect(new Map(triloop().problemMarks()).get("review")).toBe("error"));
    expect(new Map(triloop().problemMarks()).has("Message_1")).toBe(false);

    fireEvent.click(screen.getByTestId("problems-toggle"));
    const items = screen.getAllByTestId("problem-item");
    expect(items.map((i) => [i.dataset.element, i.dataset.kind])).toEqual([
      ["process", "flow"],
      ["Message_1", "offCanvas"],
      ["review", "node"],
    ]);
    const global = items[1];
    expect(global.textContent).toContain("Global element “Message_1” (a message, error, signal or escalation) is not used by any element");
    expect(within(global).getByTestId("problem-off-canvas").textContent).toBe("Not on the canvas");
    expect(within(items[2]).queryByTestId("problem-off-canvas")).toBeNull();

    // Picking it frames the flow and selects nothing, as for the flow's own problems.
    act(() => triloop().selectNodes(["review"]));
    fireEvent.click(global);
    await waitFor(() => expect(triloop().selection()).toEqual([]));

    fireEvent.click(screen.getByTestId("lang-zh"));
    await waitFor(() =>
      expect(screen.getAllByTestId("problem-item")[1].textContent).toContain("全局元素「Message_1」（消息、错误、信号或升级）未被任何元素使用"),
    );
    expect(screen.getAllByTestId("problem-item")[1].textContent).toContain("不在画布上");
  });
});

describe("problem index", () => {
  const flow = {
    nodeById: new Map([
      ["g", node("g", "exclusiveGateway", "Approved?", 0)],
      ["a", node("a", "task", "Sign", 200)],
      ["b", node("b", "task", "", 400)],
      ["t", { ...node("t", "task", "Check", 600), defaultFlow: "td" }],
    ]),
    edgeById: new Map([
      ["ga", { ...edge("ga", "g", "a", "yes"), condition: "${approved}" }],
      ["gb", edge("gb", "g", "b")],
      ["ta", { ...edge("ta", "t", "a"), condition: "${ok}" }],
      ["tb", edge("tb", "t", "b")],
      ["td", edge("td", "t", "b")],
    ]),
  };

  it("maps canvas elements to their problems and marks the unconditioned flows of a conditional split", () => {
    const index = indexProblems(
      [
        { code: "missingConditions", element: "g", severity: "error" },
        { code: "deadEnd", element: "b", severity: "error" },
        { code: "unreachable", element: "b", severity: "error" },
        { code: "fakeJoin", element: "b", severity: "warning" },
        { code: "missingConditions", element: "t", severity: "error" },
        { code: "globalUnused", element: "Message_1", severity: "warning" },
      ],
      flow,
    );
    expect(Object.fromEntries(index)).toEqual({
      g: [{ code: "missingConditions", severity: "error" }],
      b: [
        { code: "deadEnd", severity: "error" },
        { code: "unreachable", severity: "error" },
        { code: "fakeJoin", severity: "warning" },
      ],
      t: [{ code: "missingConditions", severity: "error" }],
      // The flows without a condition; neither conditioned ones nor a default flow.
      gb: [{ code: "missingConditions", severity: "error" }],
      tb: [{ code: "missingConditions", severity: "error" }],
    });
  });

  it("names a process as the flow, a sub-process on the canvas by its kind, and an element off the canvas by its id", async () => {
    const withSub = { ...flow, nodeById: new Map([...flow.nodeById, ["sub", node("sub", "subProcess", "Review loop", 800)]]) };
    const text = (p: Problem) => problemMessage(i18n.t, withSub, p);
    expect(text({ code: "noEnd", element: "process", severity: "error" })).toBe("The flow has no end event");
    expect(text({ code: "noStart", element: "sub", severity: "error" })).toBe("Sub-process “Review loop” has no start event");
    expect(text({ code: "notDrawn", element: "DataStore_1", severity: "error" })).toBe("“DataStore_1” is not drawn in any diagram");
    await act(() => i18n.changeLanguage("zh-CN"));
    expect(text({ code: "noStart", element: "sub", severity: "error" })).toBe("子流程「Review loop」缺少开始事件");
    expect(text({ code: "notDrawn", element: "DataStore_1", severity: "error" })).toBe("「DataStore_1」没有出现在任何图中");
  });

  it("shows a problem of a pool's process on the pool", () => {
    const pooled = {
      ...flow,
      nodeById: new Map([...flow.nodeById, ["lender", { ...node("lender", "pool", "Lender", 0), processRef: "Process_lender" }]]),
    };
    const p: Problem = { code: "noEnd", element: "Process_lender", severity: "error" };
    expect(canvasElement(pooled, p)).toBe("lender");
    expect(Object.fromEntries(indexProblems([p], pooled))).toEqual({ lender: [{ code: "noEnd", severity: "error" }] });
    expect(problemMessage(i18n.t, pooled, p)).toBe("Pool “Lender” has no end event");
    // The flow's own process is not a pool's.
    expect(canvasElement(pooled, { ...p, element: "Process_1" })).toBeNull();
  });

  it("takes an element's worst severity: an error wins over a warning", () => {
    expect(worstSeverity([{ severity: "warning" }])).toBe("warning");
    expect(worstSeverity([{ severity: "warning" }, { severity: "error" }])).toBe("error");
  });

  it("sorts the flow's own problems first, then those off the canvas, then by code and position", () => {
    const sorted = sortForDisplay(
      [
        { code: "deadEnd", element: "b", severity: "error" },
        { code: "notDrawn", element: "DataStore_1", severity: "error" },
        { code: "deadEnd", element: "a", severity: "error" },
        { code: "globalUnused", element: "Message_1", severity: "warning" },
        { code: "noStart", element: "process", severity: "error" },
      ],
      flow,
    );
    expect(sorted.map((p) => p.element)).toEqual(["process", "Message_1", "DataStore_1", "a", "b"]);
    expect(sorted.map((p) => elementKind(flow, p))).toEqual(["flow", "offCanvas", "offCanvas", "node", "node"]);
  });
});
