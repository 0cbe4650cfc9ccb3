import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Backend } from "../backend";
import type { PlayerBundle_Serialize as PlayerBundle, ShelfPart_Serialize as ShelfPart } from "../bindings";
import "../i18n";
import demo from "./demoBundle.test.json";
import { PlayPane } from "./PlayPane";
import { ShelfPanel } from "./ShelfPanel";

const part = (id: string, category: ShelfPart["part"]["category"], nameZh: string, nameEn: string, builtin = true): ShelfPart => ({
  part: { id, category, nameZh, nameEn, description: null, keywords: [], components: [{ key: "k", kind: "button", name: nameZh, x: 0, y: 0, w: 10, h: 10, order: 0 } as never], contract: null, template: null },
  builtin,
  document: builtin ? null : "shelf-doc",
});

describe("the capability shelf panel", () => {
  it("groups parts by category, searches through the core, places on click, adds the selection", async () => {
    const all = [part("builtin:button", "uiComponent", "按钮", "Button"), part("builtin:customerCard", "businessComponent", "客户卡片", "Customer card"), part("own:1", "businessComponent", "我的表单", "My form", false)];
    const listShelf = vi.fn(async (q: string) => ({ status: "ok" as const, data: all.filter((p) => !q || p.part.nameZh.includes(q) || p.part.nameEn.toLowerCase().includes(q.toLowerCase())) }));
    const onPlace = vi.fn();
    const onAdd = vi.fn(async () => true);
    render(<ShelfPanel backend={{ listShelf } as unknown as Backend} disabled={false} canAdd showError={() => {}} onPlace={onPlace} onAddToShelf={onAdd} />);
    await waitFor(() => expect(screen.getAllByTestId("shelf-part")).toHaveLength(3));
    expect([...document.querySelectorAll(".proto-shelf-group")].map((g) => (g as HTMLElement).dataset.category)).toEqual(["uiComponent", "businessComponent"]);
    fireEvent.change(screen.getByTestId("shelf-search"), { target: { value: "客户" } });
    await waitFor(() => expect(screen.getAllByTestId("shelf-part")).toHaveLength(1));
    expect(listShelf).toHaveBeenLastCalledWith("客户");
    fireEvent.click(screen.getByTestId("shelf-part"));
    expect(onPlace).toHaveBeenCalledWith(expect.objectContaining({ part: expect.objectContaining({ id: "builtin:customerCard" }) }));
    fireEvent.click(screen.getByTestId("shelf-add"));
    fireEvent.change(screen.getByTestId("shelf-name-zh"), { target: { value: "客户表单" } });
    fireEvent.change(screen.getByTestId("shelf-name-en"), { target: { value: "Customer form" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("shelf-add-save"));
    });
    expect(onAdd).toHaveBeenCalledWith("客户表单", "Customer form");
  });
});

describe("play mode", () => {
  it("plays the core's bundle, records the walk and shows it as Given/When/Then once saved", async () => {
    const prototypePlayerBundle = vi.fn(async () => ({ status: "ok" as const, data: demo as unknown as PlayerBundle }));
    const walkGherkin = vi.fn(async () => ({ status: "ok" as const, data: ["Given I am on the 客户列表 screen", "When I press 新建群发SOP"] }));
    const onSave = vi.fn(async () => "walk-1");
    render(
      <PlayPane
        backend={{ prototypePlayerBundle, walkGherkin } as unknown as Backend}
        documentId="doc"
        prefetched={null}
        lang="en"
        startScreen={null}
        onSaveWalk={onSave}
        showError={() => {}}
        onClose={() => {}}
      />,
    );
    const player = await screen.findByTestId("player");
    await waitFor(() => expect(player.querySelector(".tp-screen-name")?.textContent).toBe("客户列表"));
    expect(screen.getByTestId("play-pane").dataset.startMs).toBeDefined();
    act(() => (player.querySelector('button[data-component="list_to_sop"]') as HTMLButtonElement).click());
    expect(player.querySelector(".tp-screen-name")?.textContent).toBe("新建群发SOP");
    await act(async () => {
      fireEvent.click(screen.getByTestId("play-save-walk"));
    });
    expect(onSave).toHaveBeenCalledWith(expect.any(String), [
      expect.objectContaining({ kind: "visit", screen: "scr_list" }),
      expect.objectContaining({ kind: "click", component: "list_to_sop" }),
      expect.objectContaining({ kind: "visit", screen: "scr_sop" }),
    ]);
    expect(walkGherkin).toHaveBeenCalledWith("doc", "walk-1", false);
    expect((await screen.findByTestId("walk-gherkin")).textContent).toContain("Given I am on the 客户列表 screen");
  });

  it("plays another seed on request, and edits a sample row so that the list shows it", async () => {
    const prototypePlayerBundle = vi.fn(async (_doc: string, seed: number) => ({ status: "ok" as const, data: { ...(demo as unknown as PlayerBundle), seed } }));
    render(
      <PlayPane
        backend={{ prototypePlayerBundle } as unknown as Backend}
        documentId="doc"
        prefetched={{ ...(demo as unknown as PlayerBundle), seed: 1 }}
        lang="zh-CN"
        startScreen={null}
        onSaveWalk={vi.fn()}
        showError={() => {}}
        onClose={() => {}}
      />,
    );
    const player = await screen.findByTestId("player");
    await waitFor(() => expect(player.querySelector(".tp-screen-name")?.textContent).toBe("客户列表"));
    // The prefetched bundle has seed 1: nothing fetched; seed 7 asks the core for its rows.
    expect(prototypePlayerBundle).not.toHaveBeenCalled();
    const seed = screen.getByTestId("play-seed") as HTMLInputElement;
    fireEvent.change(seed, { target: { value: "7" } });
    fireEvent.blur(seed);
    await waitFor(() => expect(prototypePlayerBundle).toHaveBeenCalledWith("doc", 7));
    await waitFor(() => expect(player.querySelector(".tp-screen-name")?.textContent).toBe("客户列表"));
    // The sample data: the customer table's first name, edited, shows in the list.
    fireEvent.click(screen.getByTestId("play-sample-data"));
    const data = await screen.findByTestId("sample-data");
    const table = data.querySelector("[data-testid=sample-table]") as HTMLSelectElement;
    const key = [...table.options].map((o) => o.value).find((v) => v.endsWith("/ent_customer"))!;
    fireEvent.change(table, { target: { value: key } });
    const cell = (await waitFor(() => {
      const c = data.querySelector("[data-testid=sample-cell-a_cust_name]");
      expect(c).not.toBeNull();
      return c;
    })) as HTMLInputElement;
    fireEvent.change(cell, { target: { value: "赵样例" } });
    fireEvent.blur(cell);
    expect(player.querySelector('[data-component="list_customers"] .tp-row')?.textContent).toContain("赵样例");
  });
});
