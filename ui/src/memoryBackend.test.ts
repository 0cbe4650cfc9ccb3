import { describe, expect, it } from "vitest";
import type { ApiError } from "./bindings";
import type { Result } from "./backend";
import { makeEdge, makeNode, type FlowEdge, type FlowNode } from "./model";
import { guardBackend, toApiError, type Backend } from "./backend";
import { memoryBackend, validateFlowModel } from "./memoryBackend";
import { editFlow, openFlow, redoFlow, undoFlow, validateFlow } from "./flow/flowCalls";

function ok<T>(r: Result<T, ApiError>): T {
  if (r.status !== "ok") throw new Error(`expected ok, got ${r.error.code}: ${r.error.detail}`);
  return r.data;
}

function errorOf<T>(r: Result<T, ApiError>): ApiError {
  if (r.status !== "error") throw new Error("expected an error");
  return r.error;
}

const node = (id: string, x = 0): FlowNode => makeNode({ id, kind: "task", name: id, x, y: 0, w: 100, h: 60 });
const edge = (id: string, source: string, target: string): FlowEdge => makeEdge(id, source, target);

async function flowDoc(b: Backend) {
  const ws = ok(await b.createWorkspace("Loans"));
  const doc = ok(await b.createDocument(ws.id, "businessFlow", "Application"));
  return { ws, doc };
}

describe("memoryBackend", () => {
  it("starts empty, or with the demo workspace", async () => {
    expect(ok(await memoryBackend().listWorkspaces())).toEqual([]);
    const demo = memoryBackend({ demo: true });
    const [ws] = ok(await demo.listWorkspaces());
    const view = ok(await demo.openWorkspace(ws.id));
    const flow = view.documents.find((d) => d.kind === "businessFlow")!;
    const fv = ok(await openFlow(demo, flow.id));
    expect(fv.nodes.length).toBeGreaterThan(5);
    expect(fv.lanes.length).toBe(4);
    expect(fv.canUndo).toBe(false);
  });

  it("creates, renames and deletes workspaces and documents", async () => {
    const b = memoryBackend();
    const { ws, doc } = await flowDoc(b);
    expect(ok(await b.listWorkspaces())).toEqual([{ id: ws.id, name: "Loans", documentCount: 1 }]);
    ok(await b.renameWorkspace(ws.id, "  Consumer loans "));
    ok(await b.renameDocument(ws.id, doc.id, "Approval"));
    const view = ok(await b.openWorkspace(ws.id));
    expect(view.name).toBe("Consumer loans");
    expect(view.documents.map((d) => d.title)).toEqual(["Approval"]);
    expect(errorOf(await b.createWorkspace("   ")).code).toBe("invalidInput");
    ok(await b.deleteDocument(ws.id, doc.id));
    expect(errorOf(await openFlow(b, doc.id)).code).toBe("notFound");
    ok(await b.deleteWorkspace(ws.id));
    expect(errorOf(await b.openWorkspace(ws.id)).code).toBe("notFound");
  });

  it("applies an edit and returns its patch", async () => {
    const b = memoryBackend();
    const { doc } = await flowDoc(b);
    const r = ok(await editFlow(b, doc.id, [{ op: "addNode", node: node("a") }, { op: "addNode", node: node("b", 200) }, { op: "addEdge", edge: edge("ab", "a", "b") }]));
    expect(r.patch.nodes.map((n) => n.id)).toEqual(["a", "b"]);
    expect(r.patch.edges.map((e) => e.id)).toEqual(["ab"]);
    expect(r.canUndo).toBe(true);
    expect(r.canRedo).toBe(false);
    const fv = ok(await openFlow(b, doc.id));
    expect(fv.nodes).toHaveLength(2);
    expect(fv.edges).toHaveLength(1);
  });

  it("removing a node removes the edges touching it", async () => {
    const b = memoryBackend();
    const { doc } = await flowDoc(b);
    ok(await editFlow(b, doc.id, [
      { op: "addNode", node: node("a") },
      { op: "addNode", node: node("b", 200) },
      { op: "addNode", node: node("c", 400) },
      { op: "addEdge", edge: edge("ab", "a", "b") },
      { op: "addEdge", edge: edge("bc", "b", "c") },
      { op: "addEdge", edge: edge("ac", "a", "c") },
    ]));
    const r = ok(await editFlow(b, doc.id, [{ op: "removeNode", id: "b" }]));
    expect(r.patch.removedNodes).toEqual(["b"]);
    expect(r.patch.removedEdges.sort()).toEqual(["ab", "bc"]);
    const fv = ok(await openFlow(b, doc.id));
    expect(fv.edges.map((e) => e.id)).toEqual(["ac"]);
  });

  it("treats one editFlow call as atomic", async () => {
    const b = memoryBackend();
    const { doc } = await flowDoc(b);
    const e = errorOf(await editFlow(b, doc.id, [{ op: "addNode", node: node("a") }, { op: "addEdge", edge: edge("ax", "a", "x") }]));
    // An edge to a node that does not exist: the core says notFound (see the contract transcripts).
    expect(e.code).toBe("notFound");
    const fv = ok(await openFlow(b, doc.id));
    expect(fv.nodes).toEqual([]);
    expect(fv.canUndo).toBe(false);
  });

  it("undoes and redoes whole edits", async () => {
    const b = memoryBackend();
    const { doc } = await flowDoc(b);
    ok(await editFlow(b, doc.id, [{ op: "addNode", node: node("a") }, { op: "addNode", node: node("b", 200) }, { op: "addEdge", edge: edge("ab", "a", "b") }]));
    ok(await editFlow(b, doc.id, [{ op: "moveNode", id: "a", x: 50, y: 70 }, { op: "renameNode", id: "b", name: "Review" }]));
    ok(await editFlow(b, doc.id, [{ op: "removeNode", id: "a" }]));

    let r = ok(await undoFlow(b, doc.id));
    expect(r.patch.nodes).toEqual([{ ...node("a"), x: 50, y: 70 }]);
    expect(r.patch.edges).toEqual([edge("ab", "a", "b")]);
    expect(r.canRedo).toBe(true);

    r = ok(await undoFlow(b, doc.id));
    expect(r.patch.nodes.map((n) => [n.id, n.x, n.name])).toEqual([
      ["a", 0, "a"],
      ["b", 200, "b"],
    ]);

    r = ok(await redoFlow(b, doc.id));
    expect(r.patch.nodes.map((n) => [n.id, n.x, n.name])).toEqual([
      ["a", 50, "a"],
      ["b", 200, "Review"],
    ]);

    r = ok(await redoFlow(b, doc.id));
    expect(r.patch.removedNodes).toEqual(["a"]);
    expect(r.patch.removedEdges).toEqual(["ab"]);
    expect(r.canRedo).toBe(false);

    // Undo everything, then a new edit clears the redo stack.
    for (let i = 0; i < 3; i++) ok(await undoFlow(b, doc.id));
    expect(ok(await openFlow(b, doc.id)).nodes).toEqual([]);
    // As in the core, undo with nothing to undo is an error.
    const nothing = await undoFlow(b, doc.id);
    expect(nothing.status === "error" && nothing.error.code).toBe("invalidInput");
    r = ok(await editFlow(b, doc.id, [{ op: "addLane", lane: { id: "l", name: "Customer", y: 0, h: 150 } }]));
    expect(r.canRedo).toBe(false);
  });

  it("reports a corrupt document and a debug panic as errors", async () => {
    const b = memoryBackend();
    const { doc } = await flowDoc(b);
    b.markCorrupt(doc.id);
    expect(errorOf(await openFlow(b, doc.id)).code).toBe("documentCorrupt");
    expect(errorOf(await b.debugPanic()).code).toBe("internal");
  });

  it("stores the locale pick", async () => {
    const b = memoryBackend();
    expect(ok(await b.appInfo()).locale).toBeNull();
    ok(await b.setLocale("zh-CN"));
    expect(ok(await b.appInfo()).locale).toBe("zh-CN");
  });
});

describe("memoryBackend validateFlow", () => {
  type Kind = FlowNode["kind"];
  const n = (id: string, kind: Kind = "task"): FlowNode => makeNode({ id, kind, name: id, x: 0, y: 0, w: 100, h: 60 });
  const e = (source: string, target: string, name = ""): FlowEdge => makeEdge(`${source}-${target}`, source, target, name);
  const check = (nodes: FlowNode[], edges: FlowEdge[]) =>
    validateFlowModel({ nodes: new Map(nodes.map((x) => [x.id, x])), edges: new Map(edges.map((x) => [x.id, x])) });
  const codes = (nodes: FlowNode[], edges: FlowEdge[]) => check(nodes, edges).map((p) => `${p.code}:${p.element}`);

  it("finds nothing in an empty flow or a well-formed one", () => {
    expect(codes([], [])).toEqual([]);
    expect(codes([n("s", "startEvent"), n("a"), n("end", "endEvent")], [e("s", "a"), e("a", "end")])).toEqual([]);
  });

  it("reports a flow without start or end event once, and no unreachable elements then", () => {
    expect(codes([n("a"), n("b")], [e("a", "b")])).toEqual(["deadEnd:b", "noStart:process", "noEnd:process"]);
    expect(codes([n("s", "startEvent")], [])).toEqual(["deadEnd:s", "noEnd:process"]);
  });

  it("reports elements no start event reaches (breadth-first over sequence flows)", () => {
    const nodes = [n("s", "startEvent"), n("a"), n("b"), n("c"), n("x"), n("end", "endEvent")];
    const edges = [e("s", "a"), e("a", "b"), e("b", "a"), e("b", "end"), e("c", "x"), e("x", "end")];
    expect(codes(nodes, edges)).toEqual(["unreachable:c", "unreachable:x"]);
  });

  it("reports dead ends, but not end events", () => {
    const nodes = [n("s", "startEvent"), n("a"), n("g", "parallelGateway"), n("end", "endEvent")];
    expect(codes(nodes, [e("s", "a"), e("a", "g"), e("s", "end")])).toEqual(["deadEnd:g"]);
  });

  it("reports an exclusive split with an unconditioned flow and no default", () => {
    const nodes = [n("s", "startEvent"), n("g", "exclusiveGateway"), n("a"), n("b"), n("end", "endEvent")];
    const cond = (edge: FlowEdge, condition: string | null): FlowEdge => ({ ...edge, condition });
    const edges = (a: string | null, b: string | null) => [e("s", "g"), cond(e("g", "a", "Yes"), a), cond(e("g", "b", "No"), b), e("a", "end"), e("b", "end")];
    // Names are labels, not conditions.
    expect(codes(nodes, edges("${ok}", null))).toEqual(["missingConditions:g"]);
    expect(codes(nodes, edges("${ok}", "  "))).toEqual(["missingConditions:g"]);
    expect(codes(nodes, edges("${ok}", "${!ok}"))).toEqual([]);
    // A default flow needs no condition.
    const withDefault = nodes.map((x) => (x.id === "g" ? { ...x, defaultFlow: "g-b" } : x));
    expect(codes(withDefault, edges("${ok}", null))).toEqual([]);
    // One outgoing flow is not a split.
    expect(codes(nodes.slice(0, 3).concat(n("end", "endEvent")), [e("s", "g"), e("g", "a"), e("a", "end")])).toEqual([]);
  });

  it("reports parallel branches joined by an exclusive gateway, not by a parallel one", () => {
    const nodes = (join: Kind) => [n("s", "startEvent"), n("p", "parallelGateway"), n("a"), n("b"), n("j", join), n("end", "endEvent")];
    const edges = [e("s", "p"), e("p", "a"), e("p", "b"), e("a", "j"), e("b", "j"), e("j", "end")];
    expect(codes(nodes("exclusiveGateway"), edges)).toEqual(["parallelJoinedByExclusive:j"]);
    expect(codes(nodes("parallelGateway"), edges)).toEqual([]);
  });

  it("gives each problem the severity the core gives its code", () => {
    const nodes = [n("s", "startEvent"), n("p", "parallelGateway"), n("a"), n("b"), n("j", "exclusiveGateway"), n("loose")];
    const edges = [e("s", "p"), e("p", "a"), e("p", "b"), e("a", "j"), e("b", "j")];
    const found = check(nodes, edges);
    const bySeverity = (severity: string) => found.filter((p) => p.severity === severity).map((p) => `${p.code}:${p.element}`);
    expect(bySeverity("warning")).toEqual(["parallelJoinedByExclusive:j"]);
    expect(bySeverity("error")).toEqual(["unreachable:loose", "deadEnd:j", "deadEnd:loose", "noEnd:process"]);
  });

  it("reports sequence flows that do not connect two nodes", () => {
    expect(codes([n("s", "startEvent"), n("end", "endEvent")], [e("s", "end"), e("s", "gone")])).toEqual(["danglingFlow:s-gone"]);
  });

  it("validates documents by id, and the demo flow is clean", async () => {
    const demo = memoryBackend({ demo: true });
    const [ws] = ok(await demo.listWorkspaces());
    const flow = ok(await demo.openWorkspace(ws.id)).documents.find((d) => d.kind === "businessFlow")!;
    expect(ok(await validateFlow(demo, flow.id))).toEqual([]);
    ok(await editFlow(demo, flow.id, [{ op: "addNode", node: node("loose") }]));
    expect(ok(await validateFlow(demo, flow.id))).toEqual([
      { code: "unreachable", element: "loose", severity: "error" },
      { code: "deadEnd", element: "loose", severity: "error" },
    ]);
    expect(errorOf(await validateFlow(demo, "nope")).code).toBe("notFound");
  });
});

describe("memoryBackend links", () => {
  async function twoFlows() {
    const b = memoryBackend();
    const ws = ok(await b.createWorkspace("Loans"));
    const a = ok(await b.createDocument(ws.id, "businessFlow", "Application"));
    const c = ok(await b.createDocument(ws.id, "businessFlow", "Follow-up"));
    ok(await editFlow(b, a.id, [{ op: "addNode", node: { ...node("pay"), name: "Pay out" } }, { op: "addNode", node: { ...node("sign", 200), name: "Sign" } }]));
    ok(await editFlow(b, c.id, [{ op: "addNode", node: { ...node("call"), name: "Call the customer" } }]));
    return { b, ws, a, c };
  }

  it("adds a link and resolves it from both ends", async () => {
    const { b, ws, a, c } = await twoFlows();
    const link = ok(await b.addLink(ws.id, c.id, "call", "relatesTo", a.id, "pay"));
    expect(link).toMatchObject({ kind: "relatesTo", from: "call", toDocument: a.id, toElement: "pay" });
    expect(link.id).toBeTruthy();

    const out = ok(await b.linksOf(ws.id, c.id, "call"));
    expect(out).toEqual([
      { link, fromDocument: c.id, incoming: false, fromName: "Call the customer", toName: "Pay out", otherTitle: "Application", broken: false },
    ]);
    const back = ok(await b.linksOf(ws.id, a.id, "pay"));
    expect(back).toEqual([
      { link, fromDocument: c.id, incoming: true, fromName: "Call the customer", toName: "Pay out", otherTitle: "Follow-up", broken: false },
    ]);
    expect(ok(await b.linksOf(ws.id, a.id, "sign"))).toEqual([]);

    // A link inside one document is outgoing from one element and incoming at the other.
    ok(await b.addLink(ws.id, a.id, "sign", "realizes", a.id, "pay"));
    const both = ok(await b.linksOf(ws.id, a.id, "pay"));
    expect(both.map((r) => [r.incoming, r.link.kind, r.fromName, r.otherTitle])).toEqual([
      [true, "realizes", "Sign", "Application"],
      [true, "relatesTo", "Call the customer", "Follow-up"],
    ]);
  });

  it("lists every node of every flow as a target", async () => {
    const { b, ws, a, c } = await twoFlows();
    ok(await b.createDocument(ws.id, "valueTree", "Value"));
    const targets = ok(await b.linkTargets(ws.id));
    expect(targets.map((t) => [t.documentTitle, t.name, t.elementKind])).toEqual([
      ["Application", "Pay out", "task"],
      ["Application", "Sign", "task"],
      ["Follow-up", "Call the customer", "task"],
    ]);
    expect(targets[0]).toMatchObject({ documentId: a.id, documentKind: "businessFlow", elementId: "pay" });
    expect(targets[2].documentId).toBe(c.id);
    expect(errorOf(await b.linkTargets("nope")).code).toBe("notFound");
  });

  it("marks a link broken once its target node is removed, and whole again after undo", async () => {
    const { b, ws, a, c } = await twoFlows();
    const link = ok(await b.addLink(ws.id, c.id, "call", "tracks", a.id, "pay"));
    ok(await editFlow(b, a.id, [{ op: "removeNode", id: "pay" }]));
    const [r] = ok(await b.linksOf(ws.id, c.id, "call"));
    expect(r).toMatchObject({ link, broken: true, toName: null, otherTitle: "Application" });
    ok(await undoFlow(b, a.id));
    expect(ok(await b.linksOf(ws.id, c.id, "call"))[0].broken).toBe(false);

    // Deleting the target's document leaves a broken link without a title.
    ok(await b.deleteDocument(ws.id, a.id));
    expect(ok(await b.linksOf(ws.id, c.id, "call"))[0]).toMatchObject({ broken: true, otherTitle: null });
  });

  it("removes a link from the document that holds it", async () => {
    const { b, ws, a, c } = await twoFlows();
    const link = ok(await b.addLink(ws.id, c.id, "call", "invokes", a.id, "pay"));
    expect(errorOf(await b.removeLink(a.id, link.id)).code).toBe("notFound");
    ok(await b.removeLink(c.id, link.id));
    expect(ok(await b.linksOf(ws.id, c.id, "call"))).toEqual([]);
    expect(ok(await b.linksOf(ws.id, a.id, "pay"))).toEqual([]);
    expect(errorOf(await b.removeLink(c.id, link.id)).code).toBe("notFound");
    expect(errorOf(await b.removeLink("nope", link.id)).code).toBe("notFound");
  });

  it("refuses links to missing elements or documents outside the workspace", async () => {
    const { b, ws, a, c } = await twoFlows();
    expect(errorOf(await b.addLink(ws.id, c.id, "call", "realizes", a.id, "nope")).code).toBe("notFound");
    expect(errorOf(await b.addLink(ws.id, c.id, "nope", "realizes", a.id, "pay")).code).toBe("notFound");
    expect(errorOf(await b.addLink(ws.id, c.id, "call", "realizes", "nope", "pay")).code).toBe("notFound");
    expect(errorOf(await b.addLink("nope", c.id, "call", "realizes", a.id, "pay")).code).toBe("notFound");
    const other = ok(await b.createWorkspace("Other"));
    const foreign = ok(await b.createDocument(other.id, "businessFlow", "Elsewhere"));
    ok(await editFlow(b, foreign.id, [{ op: "addNode", node: node("n") }]));
    expect(errorOf(await b.addLink(ws.id, c.id, "call", "realizes", foreign.id, "n")).code).toBe("notFound");
    expect(errorOf(await b.addLink(ws.id, foreign.id, "n", "realizes", a.id, "pay")).code).toBe("notFound");
    expect(errorOf(await b.addLink(ws.id, c.id, "call", "causes" as never, a.id, "pay")).code).toBe("invalidInput");
    expect(ok(await b.linksOf(ws.id, c.id, "call"))).toEqual([]);
    expect(errorOf(await b.linksOf("nope", c.id, "call")).code).toBe("notFound");
  });

  it("skips links held by a damaged document", async () => {
    const { b, ws, a, c } = await twoFlows();
    ok(await b.addLink(ws.id, c.id, "call", "relatesTo", a.id, "pay"));
    b.markCorrupt(c.id);
    expect(ok(await b.linksOf(ws.id, a.id, "pay"))).toEqual([]);
  });

  it("seeds the demo with a link between its two flows", async () => {
    const demo = memoryBackend({ demo: true });
    const [ws] = ok(await demo.listWorkspaces());
    const docs = ok(await demo.openWorkspace(ws.id)).documents;
    expect(docs.map((d) => d.kind)).toEqual(["businessFlow", "businessFlow"]);
    const payout = ok(await openFlow(demo, docs[0].id)).nodes.find((n) => n.name === "放款")!;
    const [r] = ok(await demo.linksOf(ws.id, docs[0].id, payout.id));
    expect(r).toMatchObject({ incoming: true, fromName: "客户经理电话回访", otherTitle: "贷后回访流程", broken: false });
  });
});

describe("guardBackend", () => {
  it("turns thrown and malformed errors into ApiErrors", async () => {
    const inner = memoryBackend();
    const broken = {
      ...inner,
      appInfo: async () => {
        throw new Error("ipc closed");
      },
      listWorkspaces: async () => ({ status: "error", error: "command list_workspaces not found" }),
    } as unknown as Backend;
    const b = guardBackend(broken);
    expect(errorOf(await b.appInfo())).toEqual({ code: "internal", detail: "ipc closed" });
    expect(errorOf(await b.listWorkspaces())).toEqual({ code: "internal", detail: "command list_workspaces not found" });
    expect(toApiError({ code: "storage", detail: "disk full" })).toEqual({ code: "storage", detail: "disk full" });
  });
});
