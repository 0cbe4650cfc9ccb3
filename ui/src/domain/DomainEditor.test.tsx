import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { guardBackend } from "../backend";
import { memoryBackend } from "../memoryBackend";
import { contextCanvas, contextMapCanvas, parseDerivedEdge } from "./domainCanvas";
import { connectChainOps, connectOps, moveElementOps } from "./DomainEditor";
import { EMPTY_MODEL, indexModel, newAttribute, newElement, type DomainModel } from "./domainModel";

function api() {
  const a = window.__triloop;
  if (!a) throw new Error("window.__triloop missing");
  return a.domain;
}

const t = (key: string, options?: Record<string, unknown>) => (options ? `${key}${JSON.stringify(options)}` : key);

function sample(): DomainModel {
  const agg = { ...newElement("agg", "ctx", "aggregate", "Customer", 0, 0), w: 400, h: 300, root: "cust" };
  const cust = { ...newElement("cust", "ctx", "entity", "Customer", 20, 60), aggregate: "agg" };
  const addr = newElement("addr", "ctx", "valueObject", "Address", 600, 60);
  const cmd = newElement("cmd", "ctx", "command", "Register customer", 600, 300);
  const ev = newElement("ev", "ctx", "domainEvent", "Customer registered", 800, 300);
  const pol = newElement("pol", "ctx", "policy", "Welcome", 1000, 300);
  const ctx = { id: "ctx", name: "Customer", subdomain: "core", vision: "Know the customer", x: 0, y: 0, w: 240, h: 150, kept: null };
  const other = { id: "other", name: "Marketing", subdomain: null, vision: null, x: 400, y: 0, w: 240, h: 150, kept: null };
  return {
    ...EMPTY_MODEL,
    subdomains: [{ id: "core", name: "Customers", kind: "core", domain: null, description: null, kept: null }],
    contexts: [ctx, other],
    relationships: [
      { id: "rel", pattern: "customerSupplier", upstream: "ctx", downstream: "other", upstreamRoles: ["openHostService"], downstreamRoles: ["anticorruptionLayer"], name: null, kept: null },
    ],
    elements: [agg, cust, addr, cmd, ev, pol],
    attributes: [
      { ...newAttribute("a1", "cust", "id", 1), identifier: true },
      { ...newAttribute("a2", "cust", "address", 2), dataType: "reference", target: "addr" },
    ],
  };
}

describe("domain canvases", () => {
  it("draws the context map: subdomain areas around their contexts, relationships with U/D badges", () => {
    const m = sample();
    const c = contextMapCanvas(m, indexModel(m), t);
    const area = c.nodes.find((n) => n.id === "area:core")!;
    expect(area.kind).toBe("domain:subdomain.core");
    const ctx = c.nodes.find((n) => n.id === "ctx")!;
    expect(ctx.kind).toBe("domain:context.core");
    expect(area.x).toBeLessThan(ctx.x);
    expect(area.x + area.w).toBeGreaterThan(ctx.x + ctx.w);
    expect(c.nodes.find((n) => n.id === "other")!.kind).toBe("domain:context");
    const rel = c.edges[0];
    expect([rel.source, rel.target]).toEqual(["ctx", "other"]);
    expect(rel.sourceBadge).toBe("U · domain.upstreamRoleShort.openHostService");
    expect(rel.targetBadge).toBe("D · domain.downstreamRoleShort.anticorruptionLayer");
  });

  it("draws a context: the root marked, attributes as rows, references and behaviour as edges that delete back to fields", () => {
    const m = sample();
    m.elements = m.elements.map((e) => (e.id === "cmd" ? { ...e, handledBy: "agg", emits: ["ev"] } : e.id === "pol" ? { ...e, trigger: "ev" } : e));
    const c = contextCanvas(indexModel(m), "ctx", t);
    const root = c.nodes.find((n) => n.id === "cust")!;
    expect(root.kind).toBe("domain:root");
    expect(root.rows?.map((r) => r.text)).toEqual(["id: domain.dataType.text #", "address: Address"]);
    const kinds = c.edges.map((e) => [e.kind, e.source, e.target]);
    expect(kinds).toContainEqual(["domain:reference", "cust", "addr"]);
    expect(kinds).toContainEqual(["domain:handles", "cmd", "agg"]);
    expect(kinds).toContainEqual(["domain:emits", "cmd", "ev"]);
    expect(kinds).toContainEqual(["domain:triggers", "ev", "pol"]);
    const emits = c.edges.find((e) => e.kind === "domain:emits")!;
    expect(parseDerivedEdge(emits.id)).toEqual({ kind: "emits", element: "cmd", other: "ev" });
    expect(parseDerivedEdge(c.edges.find((e) => e.kind === "domain:reference")!.id)).toEqual({ kind: "ref", attribute: "a2" });
  });

  it("gives a connection the meaning of its two ends", () => {
    const ix = indexModel(sample());
    expect(connectOps(ix, "cmd", "agg")).toEqual([{ op: "update", record: expect.objectContaining({ id: "cmd", handledBy: "agg" }) }]);
    expect(connectOps(ix, "cmd", "ev")).toEqual([{ op: "update", record: expect.objectContaining({ id: "cmd", emits: ["ev"] }) }]);
    expect(connectOps(ix, "ev", "pol")).toEqual([{ op: "update", record: expect.objectContaining({ id: "pol", trigger: "ev" }) }]);
    expect(connectOps(ix, "pol", "cmd")).toEqual([{ op: "update", record: expect.objectContaining({ id: "pol", issues: "cmd" }) }]);
    const ref = connectOps(ix, "addr", "cust")!;
    expect(ref).toHaveLength(1);
    expect(ref[0]).toMatchObject({ op: "add", record: { record: "attribute", owner: "addr", name: "customer", dataType: "reference", target: "cust" } });
    // An event carries data too: connecting it to a value object gives it an attribute of that type.
    expect(connectOps(ix, "ev", "addr")).toMatchObject([{ op: "add", record: { owner: "ev", target: "addr" } }]);
    expect(connectOps(ix, "pol", "addr")).toBeNull();
  });

  it("connects a chain in one edit, each pair seeing what the pairs before it changed", () => {
    const ops = connectChainOps(sample(), ["agg", "cmd", "ev"]);
    // The command is changed twice (handled by the aggregate, then emitting the event): the second keeps the first.
    const last = ops.filter((op) => op.op === "update" && op.record.id === "cmd").at(-1)!;
    expect(last).toMatchObject({ op: "update", record: { id: "cmd", handledBy: "agg", emits: ["ev"] } });
    expect(connectChainOps(sample(), ["ctx", "other"])).toMatchObject([{ op: "add", record: { record: "relationship", upstream: "ctx", downstream: "other" } }]);
    expect(connectChainOps(sample(), ["pol", "addr"])).toEqual([]);
  });

  it("moves an element into an aggregate's frame, and out again (the root leaves with the aggregate's root cleared)", () => {
    const ix = indexModel(sample());
    const into = moveElementOps(ix, [{ id: "addr", x: 100, y: 150 }]);
    expect(into).toEqual([{ op: "update", record: expect.objectContaining({ id: "addr", x: 100, y: 150, aggregate: "agg" }) }]);
    const out = moveElementOps(ix, [{ id: "cust", x: 900, y: 900 }]);
    expect(out).toContainEqual({ op: "update", record: expect.objectContaining({ id: "cust", aggregate: null }) });
    expect(out).toContainEqual({ op: "update", record: expect.objectContaining({ id: "agg", root: null }) });
    // The frame dragged with its members: they move and stay members.
    const both = moveElementOps(ix, [
      { id: "agg", x: 50, y: 50 },
      { id: "cust", x: 70, y: 110 },
    ]);
    expect(both).toHaveLength(2);
    expect(both).toContainEqual({ op: "update", record: expect.objectContaining({ id: "cust", x: 70, y: 110, aggregate: "agg" }) });
    expect(both).toContainEqual({ op: "update", record: expect.objectContaining({ id: "agg", x: 50, y: 50, root: "cust" }) });
  });
});

describe("the domain editor in the app", () => {
  it("creates a model, a context, drills down, adds an aggregate with its root, edits attributes and undoes", async () => {
    render(<App backend={guardBackend(memoryBackend({ demo: true }))} />);
    await screen.findByTestId("canvas");
    fireEvent.click(screen.getAllByTestId("new-domain")[0]);
    const editor = await screen.findByTestId("domain-editor");
    expect(editor.dataset.level).toBe("map");
    expect(screen.getByTestId("domain-empty")).toBeTruthy();

    fireEvent.click(screen.getByTestId("palette-context"));
    await waitFor(() => expect(api().model().contexts).toHaveLength(1));
    const input = await screen.findByTestId("node-rename-input");
    fireEvent.change(input, { target: { value: "客户" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(api().model().contexts[0].name).toBe("客户"));
    const contextId = api().model().contexts[0].id;

    act(() => api().select([contextId]));
    fireEvent.click(await screen.findByTestId("domain-open-context"));
    await waitFor(() => expect(screen.getByTestId("domain-editor").dataset.level).toBe("context"));
    expect(screen.getByTestId("domain-crumb-context").textContent).toBe("客户");

    fireEvent.click(screen.getByTestId("palette-aggregate"));
    await waitFor(() => expect(api().model().elements).toHaveLength(2));
    fireEvent.keyDown(await screen.findByTestId("node-rename-input"), { key: "Escape" });
    const agg = api().model().elements.find((e) => e.kind === "aggregate")!;
    const root = api().model().elements.find((e) => e.kind === "entity")!;
    expect(agg.root).toBe(root.id);
    expect(root.aggregate).toBe(agg.id);
    expect(api().model().attributes).toMatchObject([{ owner: root.id, name: "id", identifier: true }]);

    for (const kind of ["valueObject", "command", "domainEvent"]) {
      fireEvent.click(screen.getByTestId(`palette-${kind}`));
      fireEvent.keyDown(await screen.findByTestId("node-rename-input"), { key: "Escape" });
    }
    await waitFor(() => expect(api().model().elements.map((e) => e.kind).sort()).toEqual(["aggregate", "command", "domainEvent", "entity", "valueObject"]));

    // The root entity's panel: add an attribute, give it a type.
    act(() => api().select([root.id]));
    const panel = await screen.findByTestId("element-panel");
    expect(panel.dataset.elementId).toBe(root.id);
    fireEvent.click(screen.getByTestId("attribute-add"));
    await waitFor(() => expect(api().model().attributes).toHaveLength(2));
    const added = api().model().attributes.find((a) => a.name !== "id")!;
    const typeSelects = await screen.findAllByTestId("attribute-type");
    fireEvent.change(typeSelects[1], { target: { value: "money" } });
    await waitFor(() => expect(api().model().attributes.find((a) => a.id === added.id)?.dataType).toBe("money"));
    await waitFor(() => expect(api().saveState()).toBe("saved"));

    // One undo takes back the type, the next the attribute.
    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true });
    await waitFor(() => expect(api().model().attributes.find((a) => a.id === added.id)?.dataType).toBe("text"));
    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true });
    await waitFor(() => expect(api().model().attributes).toHaveLength(1));

    // Escape with nothing selected goes back to the map, which counts the context's contents.
    act(() => api().select([]));
    fireEvent.keyDown(screen.getByTestId("canvas"), { key: "Escape" });
    await waitFor(() => expect(screen.getByTestId("domain-editor").dataset.level).toBe("map"));
    expect(api().selection()).toEqual([contextId]);

    // Deleting a context that holds elements asks first.
    fireEvent.keyDown(screen.getByTestId("canvas"), { key: "Delete" });
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(api().model().contexts).toHaveLength(0));
    expect(api().model().elements).toHaveLength(0);
  });
});
