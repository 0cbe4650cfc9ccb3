import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "./App";
import { guardBackend } from "./backend";
import i18n from "./i18n";
import { memoryBackend } from "./memoryBackend";

function triloop() {
  const api = window.__triloop;
  if (!api) throw new Error("window.__triloop missing");
  return api;
}

async function renderDemo() {
  const backend = memoryBackend({ demo: true });
  render(<App backend={guardBackend(backend)} />);
  await screen.findByTestId("canvas");
  await waitFor(() => expect(triloop().nodeCount()).toBeGreaterThan(0));
  return backend;
}

afterEach(async () => {
  await act(() => i18n.changeLanguage("en"));
});

describe("App", () => {
  it("opens the first workspace and its first business flow", async () => {
    await renderDemo();
    const items = screen.getAllByTestId("workspace-item");
    expect(items).toHaveLength(1);
    expect(items[0].textContent).toBe("示例专题：个人消费贷线上申请");
    expect(screen.getAllByTestId("document-item")).toHaveLength(2);
    expect(triloop().nodeCount()).toBe(10);
    expect(triloop().edgeCount()).toBe(9);
    expect(screen.getByTestId("save-status").dataset.state).toBe("idle");
  });

  it("adds, connects, deletes and undoes through the canvas", async () => {
    await renderDemo();
    const status = screen.getByTestId("save-status");

    fireEvent.click(screen.getByTestId("palette-task"));
    expect(triloop().nodeCount()).toBe(11);
    await waitFor(() => expect(status.dataset.state).toBe("saved"));
    fireEvent.click(screen.getByTestId("palette-exclusiveGateway"));
    await waitFor(() => expect(triloop().nodeCount()).toBe(12));
    const added = triloop().nodes().slice(-2).map((n) => n.id);
    expect(triloop().nodes().slice(-2).map((n) => n.kind)).toEqual(["task", "exclusiveGateway"]);

    act(() => triloop().selectNodes([added[1], added[0]]));
    fireEvent.click(screen.getByTestId("connect-selected"));
    await waitFor(() => expect(triloop().edgeCount()).toBe(10));
    const newEdge = triloop().edges().at(-1)!;
    expect([newEdge.source, newEdge.target]).toEqual([added[1], added[0]]);

    // Delete both new nodes with the keyboard: their edge goes with them, in one undo step.
    act(() => triloop().selectNodes(added));
    fireEvent.keyDown(screen.getByTestId("canvas"), { key: "Delete" });
    await waitFor(() => expect(triloop().nodeCount()).toBe(10));
    expect(triloop().edgeCount()).toBe(9);
    await waitFor(() => expect(status.dataset.state).toBe("saved"));

    fireEvent.click(screen.getByTestId("undo"));
    await waitFor(() => expect(triloop().nodeCount()).toBe(12));
    expect(triloop().edgeCount()).toBe(10);
    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(triloop().nodeCount()).toBe(10));
  });

  it("renames a node inline", async () => {
    await renderDemo();
    fireEvent.click(screen.getByTestId("palette-userTask"));
    const id = triloop().nodes().at(-1)!.id;
    act(() => triloop().selectNodes([id]));
    fireEvent.keyDown(screen.getByTestId("canvas"), { key: "F2" });
    const input = await screen.findByTestId("node-rename-input");
    fireEvent.change(input, { target: { value: "Verify identity" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(triloop().nodes().find((n) => n.id === id)?.name).toBe("Verify identity"));
    await waitFor(() => expect(screen.getByTestId("save-status").dataset.state).toBe("saved"));
  });

  it("creates a workspace and a business flow", async () => {
    await renderDemo();
    fireEvent.click(screen.getByTestId("new-workspace"));
    const input = screen.getByTestId("workspace-name-input");
    fireEvent.change(input, { target: { value: "Mobile onboarding" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(screen.getByTestId("workspace-title").textContent).toBe("Mobile onboarding"));
    expect(screen.getAllByTestId("workspace-item").map((e) => e.textContent)).toContain("Mobile onboarding");
    expect(screen.queryAllByTestId("document-item")).toHaveLength(0);

    fireEvent.click(screen.getByTestId("new-flow"));
    const doc = await screen.findByTestId("document-item");
    expect(doc.textContent).toBe("Business flow 1");
    await screen.findByTestId("canvas");
    expect(triloop().nodeCount()).toBe(0);
  });

  it("deletes a workspace after confirmation", async () => {
    await renderDemo();
    fireEvent.click(screen.getByTestId("workspace-delete"));
    fireEvent.click(within(screen.getByTestId("confirm-dialog")).getByTestId("confirm-ok"));
    await waitFor(() => expect(screen.queryAllByTestId("workspace-item")).toHaveLength(0));
    expect(screen.getByText("Create or open a workspace to begin.")).toBeTruthy();
  });

  it("shows a corrupt document inline and keeps the workspace usable", async () => {
    const backend = memoryBackend({ demo: true });
    const [ws] = (await backend.listWorkspaces()).status === "ok" ? ((await backend.listWorkspaces()) as { data: { id: string }[] }).data : [];
    const view = await backend.openWorkspace(ws.id);
    if (view.status !== "ok") throw new Error("demo missing");
    backend.markCorrupt(view.data.documents[0].id);
    render(<App backend={guardBackend(backend)} />);
    const panel = await screen.findByTestId("doc-error");
    expect(panel.dataset.code).toBe("documentCorrupt");
    expect(panel.textContent).toContain("The document is damaged");
    fireEvent.click(screen.getByTestId("new-flow"));
    await screen.findByTestId("canvas");
    expect(screen.queryByTestId("doc-error")).toBeNull();
  });

  it("shows core errors in a dismissible banner", async () => {
    await renderDemo();
    await act(() => triloop().debugPanic());
    const banner = screen.getByTestId("error-banner");
    expect(banner.textContent).toContain("debug panic requested");
    fireEvent.click(screen.getByTestId("error-dismiss"));
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });

  it("switches language, stores the pick and sets <html lang>", async () => {
    const backend = await renderDemo();
    fireEvent.click(screen.getByTestId("lang-zh"));
    await waitFor(() => expect(document.documentElement.lang).toBe("zh-CN"));
    expect(screen.getByText("专题")).toBeTruthy();
    expect(screen.getByTestId("palette-startEvent").textContent).toContain("开始事件");
    await waitFor(async () => {
      const info = await backend.appInfo();
      expect(info.status === "ok" && info.data.locale).toBe("zh-CN");
    });
    fireEvent.click(screen.getByTestId("lang-en"));
    await waitFor(() => expect(document.documentElement.lang).toBe("en"));
  });
});
