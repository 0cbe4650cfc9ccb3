import { describe, expect, it } from "vitest";
import { render, screen, fireEvent, waitFor, act } from "@testing-library/react";
import { createElement } from "react";
import { App } from "../App";
import { guardBackend } from "../backend";
import { memoryBackend } from "../memoryBackend";
import {
  EMPTY_PROTOTYPE,
  applyPrototypePatch,
  componentRecord,
  indexPrototype,
  newComponent,
  newScreen,
  nextScreenPlace,
  orderAt,
  screenAt,
  storyboardCanvas,
  subtree,
  type Prototype,
} from "./prototypeModel";
import { prototypeShapes } from "./prototypeShapes";
import { renderSvg } from "../canvas";

const t = (key: string) => key;

function sample(): Prototype {
  const a = newScreen("a", "List", "phone", 0, 0);
  const b = newScreen("b", "Detail", "phone", 500, 0);
  const stack = { ...newComponent("st", "a", null, "stack", "Bar", 16, 100, 0), w: 343, h: 56 };
  const q = { ...newComponent("q", "a", "st", "input", "Search", 0, 0, 0), w: 200 };
  const go = { ...newComponent("go", "a", "st", "button", "Go", 0, 0, 1), w: 80 };
  const btn = newComponent("next", "a", null, "button", "Open", 16, 700, 1);
  return {
    ...EMPTY_PROTOTYPE,
    screens: [a, b],
    components: [stack, q, go, btn],
    actions: [{ id: "act", component: "next", name: "Open", steps: [{ step: "navigate", screen: "b" }], success: null, failure: null }],
  };
}

describe("the prototype model", () => {
  it("lays stacks out by order (they reflow) and free components relative to their screen", () => {
    const m = sample();
    const ix = indexPrototype(m);
    expect(ix.box.get("st")).toEqual({ x: 16, y: 100, w: 343, h: 56 });
    // padding 8, gap 8, row
    expect(ix.box.get("q")).toMatchObject({ x: 24, y: 108, w: 200 });
    expect(ix.box.get("go")).toMatchObject({ x: 24 + 200 + 8, y: 108 });
    // reorder: "go" first → "q" moves right
    const swapped = applyPrototypePatch(m, { upserts: [componentRecord({ ...m.components[2], order: -1 })], removed: [] });
    const ix2 = indexPrototype(swapped);
    expect(ix2.box.get("go")!.x).toBe(24);
    expect(ix2.box.get("q")!.x).toBe(24 + 80 + 8);
    // a drop position between two children gives an order between theirs
    expect(orderAt(ix, m.components[0], "new", 24 + 200 + 4, 120)).toBeGreaterThan(0);
    expect(orderAt(ix, m.components[0], "new", 24 + 200 + 4, 120)).toBeLessThan(1);
    expect(orderAt(ix, m.components[0], "new", 0, 120)).toBe(-1);
    expect(subtree(ix, "st").sort()).toEqual(["go", "q", "st"]);
  });

  it("maps the storyboard: screens, components inside them, navigation arrows derived from actions", () => {
    const m = sample();
    const c = storyboardCanvas(m, indexPrototype(m), t, () => null);
    expect(c.nodes.map((n) => n.kind)).toEqual(["proto:screen", "proto:stack", "proto:input", "proto:button", "proto:button", "proto:screen"]);
    expect(c.edges).toEqual([expect.objectContaining({ id: "nav:a>b", source: "a", target: "b", kind: "proto:navigate" })]);
    const svg = renderSvg(c.nodes, c.edges, [], { shapes: prototypeShapes });
    expect(svg).toContain("<svg");
    expect(svg).toContain("Detail");
    expect(screenAt(m, 510, 10)?.id).toBe("b");
    expect(screenAt(m, 420, 10)).toBeNull();
    expect(nextScreenPlace(m)).toEqual({ x: 980, y: 0 });
  });

  it("applies patches: upserts replace, removals drop", () => {
    const m = sample();
    const next = applyPrototypePatch(m, { upserts: [{ record: "screen", ...m.screens[1], name: "Customer" }], removed: ["next"] });
    expect(next.screens[1].name).toBe("Customer");
    expect(next.components.map((c) => c.id)).not.toContain("next");
    expect(next.actions).toBe(m.actions);
  });
});

describe("the prototype editor in the app", () => {
  it("creates a prototype, adds screens, renames one and undoes", async () => {
    render(createElement(App, { backend: guardBackend(memoryBackend({ demo: true })) }));
    await screen.findByTestId("canvas");
    fireEvent.click(screen.getAllByTestId("new-prototype")[0]);
    await screen.findByTestId("prototype-editor");
    expect(screen.getByTestId("proto-empty")).toBeTruthy();
    expect(screen.getByTestId("shelf-panel")).toBeTruthy();
    const api = () => window.__triloop!.prototype;
    fireEvent.click(screen.getByTestId("proto-add-screen"));
    await waitFor(() => expect(api().model().screens).toHaveLength(1));
    expect(api().model().screens[0]).toMatchObject({ device: "phone", w: 375, h: 812, start: true });
    fireEvent.change(screen.getByTestId("proto-device"), { target: { value: "tablet" } });
    fireEvent.click(screen.getByTestId("proto-add-screen"));
    await waitFor(() => expect(api().model().screens).toHaveLength(2));
    const tablet = api().model().screens[1];
    expect(tablet).toMatchObject({ device: "tablet", w: 768, h: 1024 });
    expect(tablet.x).toBeGreaterThan(375);
    act(() => api().select([tablet.id]));
    const name = await screen.findByTestId("proto-name");
    fireEvent.change(name, { target: { value: "客户详情" } });
    fireEvent.blur(name);
    await waitFor(() => expect(api().model().screens[1].name).toBe("客户详情"));
    await waitFor(() => expect(api().saveState()).toBe("saved"));
    fireEvent.click(screen.getAllByTestId("undo")[0]);
    await waitFor(() => expect(api().model().screens[1].name).not.toBe("客户详情"));
  });
});

describe("alignment guides while dragging", () => {
  it("snaps a component's edge to a neighbour's within the tolerance and names the guide", async () => {
    const { buildScene } = await import("../canvas/scene");
    const { alignDrag } = await import("../canvas/interaction");
    const a = { id: "a", kind: "proto:button" as const, name: "A", x: 100, y: 100, w: 100, h: 40 };
    const b = { id: "b", kind: "proto:button" as const, name: "B", x: 300, y: 300, w: 100, h: 40 };
    const s = { id: "s", kind: "proto:screen" as const, name: "S", x: 0, y: 0, w: 375, h: 812 };
    const scene = buildScene([s, a, b], [], [], undefined, prototypeShapes);
    // b dragged so that its left edge lands 3 units right of a's: it snaps onto it
    const r = alignDrag(scene, b, new Set(["b"]), { x: -197, y: -50 }, 6);
    expect(r.delta.x).toBe(-200);
    expect(r.guides).toContainEqual(expect.objectContaining({ axis: "x", at: 100 }));
    // far from everything: no guide, the delta as it was
    const far = alignDrag(scene, b, new Set(["b"]), { x: 37, y: 113 }, 6);
    expect(far.guides).toEqual([]);
    expect(far.delta).toEqual({ x: 37, y: 113 });
    // a screen never aligns with components
    const scr = alignDrag(scene, s, new Set(["s"]), { x: 97, y: 0 }, 6);
    expect(scr.guides.every((g) => g.at !== 100)).toBe(true);
  });
});
