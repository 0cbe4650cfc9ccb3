import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { guardBackend, type Backend, type Result } from "../backend";
import type { ApiError } from "../bindings";
import i18n from "../i18n";
import { memoryBackend } from "../memoryBackend";
import { makeNode, type FlowNode } from "../model";
import { filterTargets } from "./links";
import { editFlow } from "./flowCalls";

function triloop() {
  const api = window.__triloop;
  if (!api) throw new Error("window.__triloop missing");
  return api;
}

function ok<T>(r: Result<T, ApiError>): T {
  if (r.status !== "ok") throw new Error(`expected ok, got ${r.error.code}: ${r.error.detail}`);
  return r.data;
}

const node = (id: string, kind: FlowNode["kind"], name: string, x: number): FlowNode => makeNode({ id, kind, name, x, y: 40, w: 120, h: 72 });

/**
 * "Application" (apply → review, pay, temp) and "Follow-up" (call). "Review" realizes "Call the
 * customer", invokes "Pay out", tracks the since deleted "temp", and "Call the customer" relates to it.
 */
async function seeded(wrap: (b: Backend) => Backend = (b) => b) {
  const inner = memoryBackend();
  const ws = ok(await inner.createWorkspace("Loans"));
  const app = ok(await inner.createDocument(ws.id, "businessFlow", "Application"));
  const follow = ok(await inner.createDocument(ws.id, "businessFlow", "Follow-up"));
  ok(
    await editFlow(inner, app.id, [
      { op: "addNode", node: node("apply", "startEvent", "Apply", 0) },
      { op: "addNode", node: node("review", "userTask", "Review", 200) },
      { op: "addNode", node: node("pay", "serviceTask", "Pay out", 400) },
      { op: "addNode", node: node("temp", "task", "Temporary", 600) },
    ]),
  );
  ok(await editFlow(inner, follow.id, [{ op: "addNode", node: node("call", "userTask", "Call the customer", 0) }]));
  const realizes = ok(await inner.addLink(ws.id, app.id, "review", "realizes", follow.id, "call"));
  const invokes = ok(await inner.addLink(ws.id, app.id, "review", "invokes", app.id, "pay"));
  const tracks = ok(await inner.addLink(ws.id, app.id, "review", "tracks", app.id, "temp"));
  const relates = ok(await inner.addLink(ws.id, follow.id, "call", "relatesTo", app.id, "review"));
  ok(await editFlow(inner, app.id, [{ op: "removeNode", id: "temp" }]));
  const backend = wrap(inner);
  render(<App backend={guardBackend(backend)} />);
  await screen.findByTestId("canvas");
  await waitFor(() => expect(triloop().nodeCount()).toBe(3));
  return { inner, ws, app, follow, links: { realizes, invokes, tracks, relates } };
}

async function openPanel(id: string) {
  act(() => triloop().selectNodes([id]));
  const panel = await screen.findByTestId("element-panel");
  await waitFor(() => expect(panel.dataset.elementId).toBe(id));
  return panel;
}

async function linkItems() {
  const list = await screen.findByTestId("links-list");
  return within(list).getAllByTestId("link-item");
}

afterEach(async () => {
  await act(() => i18n.changeLanguage("en"));
});

describe("element panel", () => {
  it("shows the selected node and its links, in English and Chinese", async () => {
    const { links } = await seeded();
    expect(screen.queryByTestId("element-panel")).toBeNull();
    const panel = await openPanel("review");
    expect(within(panel).getByTestId("element-name").textContent).toBe("Review");
    expect(within(panel).getByTestId("element-kind").textContent).toBe("User task");
    expect(within(panel).getByTestId("element-id").textContent).toBe("review");

    const items = await linkItems();
    expect(items.map((i) => [i.dataset.linkId, i.dataset.incoming, i.dataset.broken])).toEqual([
      [links.realizes.id, "false", "false"],
      [links.invokes.id, "false", "false"],
      [links.tracks.id, "false", "true"],
      [links.relates.id, "true", "false"],
    ]);
    const text = (i: HTMLElement, id: string) => within(i).getByTestId(id).textContent;
    expect(items.map((i) => text(i, "link-kind"))).toEqual(["Realizes", "Invokes", "Tracks", "Relates to"]);
    expect(text(items[0], "link-other-name")).toBe("Call the customer");
    expect(text(items[0], "link-other-document")).toBe("Follow-up");
    expect(text(items[1], "link-other-name")).toBe("Pay out");
    expect(text(items[1], "link-other-document")).toContain("Application");
    expect(text(items[2], "link-broken-tag")).toBe("Target deleted");
    expect(items[2].classList.contains("is-broken")).toBe(true);
    expect(within(items[2]).getByTestId("link-open")).toHaveProperty("disabled", true);
    expect(text(items[3], "link-other-name")).toBe("Call the customer");
    expect(within(items[3]).getByTestId("link-remove")).toBeTruthy();

    fireEvent.click(screen.getByTestId("lang-zh"));
    await waitFor(() => expect(text(items[0], "link-kind")).toBe("实现"));
    expect(items.map((i) => text(i, "link-kind"))).toEqual(["实现", "调用", "跟踪", "相关"]);
    expect(text(items[2], "link-broken-tag")).toBe("目标已删除");
    expect(within(panel).getByTestId("element-kind").textContent).toBe("用户任务");
    expect(within(panel).getByText("关联")).toBeTruthy();
    expect(within(panel).getByTestId("add-link").textContent).toBe("添加关联");
  });

  it("names incoming links with the reverse phrase", async () => {
    await seeded();
    await openPanel("pay");
    const [item] = await linkItems();
    expect(item.dataset.incoming).toBe("true");
    expect(within(item).getByTestId("link-kind").textContent).toBe("Invoked by");
    expect(within(item).getByTestId("link-other-name").textContent).toBe("Review");
    fireEvent.click(screen.getByTestId("lang-zh"));
    await waitFor(() => expect(within(item).getByTestId("link-kind").textContent).toBe("被调用自"));
  });

  it("asks for the links of the selected element only, and for targets when the picker opens", async () => {
    const linksOf = vi.fn();
    const linkTargets = vi.fn();
    await seeded((inner) => ({
      ...inner,
      linksOf: (...args: Parameters<Backend["linksOf"]>) => {
        linksOf(args[2]);
        return inner.linksOf(...args);
      },
      linkTargets: (id: string) => {
        linkTargets(id);
        return inner.linkTargets(id);
      },
    }));
    expect(linksOf).not.toHaveBeenCalled();
    await openPanel("review");
    await linkItems();
    expect(linksOf.mock.calls).toEqual([["review"]]);
    await openPanel("pay");
    await waitFor(() => expect(linksOf.mock.calls).toEqual([["review"], ["pay"]]));
    expect(linkTargets).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("add-link"));
    await screen.findAllByTestId("link-target-option");
    expect(linkTargets).toHaveBeenCalledTimes(1);
  });

  it("closes on an empty selection, Escape and its close button", async () => {
    await seeded();
    await openPanel("review");
    act(() => triloop().selectNodes(["review", "pay"]));
    await waitFor(() => expect(screen.queryByTestId("element-panel")).toBeNull());

    await openPanel("review");
    fireEvent.keyDown(screen.getByTestId("canvas"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("element-panel")).toBeNull());

    await openPanel("review");
    fireEvent.click(screen.getByTestId("element-panel-close"));
    await waitFor(() => expect(screen.queryByTestId("element-panel")).toBeNull());
    expect(triloop().nodes().length).toBe(3);
  });

  it("adds a link through the picker and removes it", async () => {
    const { follow } = await seeded();
    await openPanel("pay");
    expect(await linkItems()).toHaveLength(1);
    fireEvent.click(screen.getByTestId("add-link"));
    const options = await screen.findAllByTestId("link-target-option");
    // Every node of both flows but "Pay out" itself, this flow first.
    expect(options.map((o) => o.dataset.elementId)).toEqual(["apply", "review", "call"]);

    fireEvent.change(screen.getByTestId("link-kind-select"), { target: { value: "measures" } });
    fireEvent.change(screen.getByTestId("link-target-search"), { target: { value: "follow" } });
    const [call] = screen.getAllByTestId("link-target-option");
    expect(screen.getAllByTestId("link-target-option")).toHaveLength(1);
    expect([call.dataset.documentId, call.dataset.elementId]).toEqual([follow.id, "call"]);
    expect(screen.getByTestId("link-submit")).toHaveProperty("disabled", true);
    fireEvent.click(call);
    expect(screen.getByTestId("link-target-picked").textContent).toContain("Call the customer");
    fireEvent.click(screen.getByTestId("link-submit"));

    await waitFor(async () => expect(await linkItems()).toHaveLength(2));
    expect(screen.queryByTestId("link-form")).toBeNull();
    const added = (await linkItems())[0];
    expect(added.dataset.incoming).toBe("false");
    expect(within(added).getByTestId("link-kind").textContent).toBe("Measures");
    expect(within(added).getByTestId("link-other-name").textContent).toBe("Call the customer");

    fireEvent.click(within(added).getByTestId("link-remove"));
    await waitFor(async () => expect(await linkItems()).toHaveLength(1));
    // Removing a backlink goes to the document that holds it.
    fireEvent.click(within((await linkItems())[0]).getByTestId("link-remove"));
    await screen.findByTestId("links-empty");
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });

  it("shows a failed add in the error banner", async () => {
    await seeded((inner) => ({
      ...inner,
      addLink: async () => ({ status: "error", error: { code: "notFound", detail: "document has no element call" } }),
    }));
    await openPanel("pay");
    fireEvent.click(screen.getByTestId("add-link"));
    const search = screen.getByTestId("link-target-search");
    fireEvent.change(search, { target: { value: "call" } });
    await screen.findByTestId("link-target-option");
    // Enter picks the highlighted option, a second Enter adds.
    fireEvent.keyDown(search, { key: "Enter" });
    expect(screen.getByTestId("link-target-picked").textContent).toContain("Call the customer");
    fireEvent.keyDown(search, { key: "Enter" });
    const banner = await screen.findByTestId("error-banner");
    expect(banner.dataset.code).toBe("notFound");
    expect(banner.textContent).toContain("It no longer exists");
    expect(screen.getByTestId("link-form")).toBeTruthy();
  });

  it("follows a link within the flow and into another flow", async () => {
    const { follow } = await seeded();
    await openPanel("review");
    const items = await linkItems();
    fireEvent.click(within(items[1]).getByTestId("link-open"));
    await waitFor(() => expect(screen.getByTestId("element-panel").dataset.elementId).toBe("pay"));
    await waitFor(() => expect(triloop().selection()).toEqual(["pay"]));

    await openPanel("review");
    fireEvent.click(within((await linkItems())[0]).getByTestId("link-open"));
    await waitFor(() => expect(triloop().nodes().map((n) => n.id)).toEqual(["call"]));
    const active = screen.getAllByTestId("document-item").find((d) => d.dataset.documentId === follow.id)!;
    expect(active.getAttribute("aria-current")).toBe("page");
    const panel = await screen.findByTestId("element-panel");
    await waitFor(() => expect(panel.dataset.elementId).toBe("call"));
    expect(within(panel).getByTestId("element-name").textContent).toBe("Call the customer");
    const back = await linkItems();
    expect(back.map((i) => i.dataset.incoming)).toEqual(["false", "true"]);
  });
});

describe("filterTargets", () => {
  const t = (documentId: string, elementId: string, name: string, documentTitle: string) => ({
    documentId,
    documentTitle,
    documentKind: "businessFlow" as const,
    elementId,
    name,
    elementKind: "task",
  });
  const targets = [t("b", "x", "Sign contract", "Other"), t("a", "self", "Review", "Main"), t("a", "y", "Pay out", "Main")];

  it("leaves out the element itself, puts its document first and matches names or titles", () => {
    const all = filterTargets(targets, "", { documentId: "a", elementId: "self" });
    expect(all.groups.map((g) => [g.documentTitle, g.targets.map((x) => x.elementId)])).toEqual([
      ["Main", ["y"]],
      ["Other", ["x"]],
    ]);
    expect(filterTargets(targets, "OTHER", { documentId: "a", elementId: "self" }).groups.map((g) => g.documentId)).toEqual(["b"]);
    expect(filterTargets(targets, "pay", { documentId: "a", elementId: "self" }).total).toBe(1);
    const capped = filterTargets(targets, "", { documentId: "z", elementId: "none" }, 2);
    expect([capped.shown, capped.total]).toEqual([2, 3]);
  });
});
