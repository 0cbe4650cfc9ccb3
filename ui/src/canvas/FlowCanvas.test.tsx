import { createRef } from "react";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { FlowCanvas, type FlowCanvasHandle, type FlowCanvasProps } from "./FlowCanvas";
import { DROP_MIME } from "./engine";
import { edge, node } from "./testFlows";

// jsdom has no layout and no 2D canvas: the component then hit-tests and handles input without
// painting. The canvas element sits at the page's origin, so client = canvas coordinates.

function setup(over: Partial<FlowCanvasProps> = {}) {
  const props: FlowCanvasProps = {
    nodes: [node("a", "task", 100, 100, { name: "提交申请" }), node("b", "task", 400, 100)],
    edges: [edge("e", "a", "b")],
    lanes: [],
    selection: new Set<string>(),
    onSelectionChange: vi.fn(),
    onMoveNodes: vi.fn(),
    onConnect: vi.fn(),
    onActivate: vi.fn(),
    onDropKind: vi.fn(),
    onContextMenu: vi.fn(),
    ...over,
  };
  const ref = createRef<FlowCanvasHandle>();
  const utils = render(<FlowCanvas ref={ref} {...props} ariaLabel="流程画布" />);
  const el = screen.getByTestId("flow-canvas");
  const handle = ref.current;
  if (!handle) throw new Error("no handle");
  return { props, handle, el, ...utils };
}

const pointer = (x: number, y: number, extra: Record<string, unknown> = {}) => ({ clientX: x, clientY: y, button: 0, isPrimary: true, pointerId: 1, ...extra });

describe("FlowCanvas", () => {
  it("renders a focusable, labelled container filling its parent", () => {
    const { el } = setup();
    expect(el.tabIndex).toBe(0);
    expect(el.getAttribute("aria-label")).toBe("流程画布");
    expect(el.style.position).toBe("absolute");
    expect(el.querySelector("canvas")).not.toBeNull();
  });

  it("converts between flow and client coordinates both ways", () => {
    const { handle } = setup();
    handle.setViewport({ x: 30, y: -20, zoom: 2 });
    expect(handle.getViewport()).toEqual({ x: 30, y: -20, zoom: 2 });
    expect(handle.flowToClient(10, 10)).toEqual({ x: 50, y: 0 });
    expect(handle.clientToFlow(50, 0)).toEqual({ x: 10, y: 10 });
    const r = handle.nodeRectOnScreen("a");
    expect([r?.x, r?.y, r?.width, r?.height]).toEqual([230, 180, 240, 144]);
    expect(handle.nodeRectOnScreen("nope")).toBeNull();
  });

  it("clamps the zoom range", () => {
    const { handle } = setup();
    handle.setViewport({ x: 0, y: 0, zoom: 10 });
    expect(handle.getViewport().zoom).toBe(3);
    handle.setViewport({ x: 0, y: 0, zoom: 0.01 });
    expect(handle.getViewport().zoom).toBe(0.1);
  });

  it("finds elements under client points and focuses one", () => {
    const { handle } = setup();
    expect(handle.elementAt(150, 130)).toBe("a");
    expect(handle.elementAt(300, 136)).toBe("e");
    expect(handle.elementAt(300, 400)).toBeNull();
    handle.setViewport({ x: 0, y: 0, zoom: 0.5 });
    handle.focusElement("b");
    // jsdom has no size: the node's centre goes to the (zero-size) canvas's middle, at zoom 1.
    expect(handle.getViewport()).toEqual({ x: -460, y: -136, zoom: 1 });
  });

  it("selects on click and reports a node drag once, snapped", () => {
    const { el, props, rerender, handle } = setup();
    fireEvent.pointerDown(el, pointer(150, 130));
    expect(props.onSelectionChange).toHaveBeenLastCalledWith(["a"]);
    rerender(<FlowCanvas {...props} selection={new Set(["a"])} />);
    fireEvent.pointerMove(el, pointer(170, 130));
    fireEvent.pointerMove(el, pointer(197, 158));
    fireEvent.pointerUp(el, pointer(197, 158));
    expect(props.onMoveNodes).toHaveBeenCalledTimes(1);
    expect(props.onMoveNodes).toHaveBeenCalledWith([{ id: "a", x: 150, y: 130 }]);
    // Until the parent's updated nodes arrive, the node stays (and is found) where it was dropped.
    expect(handle.elementAt(260, 195)).toBe("a");
  });

  it("resizes the selected node from a corner handle, reporting the new bounds once", () => {
    const onResizeNode = vi.fn();
    const { el, props, handle } = setup({ selection: new Set(["a"]), onResizeNode });
    // Over the bottom-right corner of a (220, 172): the resize cursor.
    fireEvent.pointerMove(el, pointer(221, 171));
    expect(el.style.cursor).toBe("nwse-resize");
    fireEvent.pointerMove(el, pointer(100, 171));
    expect(el.style.cursor).toBe("nesw-resize");
    fireEvent.pointerDown(el, pointer(220, 172));
    fireEvent.pointerMove(el, pointer(240, 190));
    fireEvent.pointerMove(el, pointer(263, 219));
    expect(el.style.cursor).toBe("nwse-resize");
    fireEvent.pointerUp(el, pointer(263, 219));
    expect(onResizeNode).toHaveBeenCalledTimes(1);
    expect(onResizeNode).toHaveBeenCalledWith({ id: "a", x: 100, y: 100, w: 160, h: 120 });
    expect(props.onMoveNodes).not.toHaveBeenCalled();
    expect(props.onSelectionChange).not.toHaveBeenCalled();
    // Until the parent's updated nodes arrive, the node is shown (and found) at its new size.
    expect(handle.elementAt(250, 210)).toBe("a");
  });

  it("clamps a resize to the minimum size and cancels one on Escape", () => {
    const onResizeNode = vi.fn();
    const { el } = setup({ selection: new Set(["a"]), onResizeNode });
    fireEvent.pointerDown(el, pointer(100, 100));
    fireEvent.pointerMove(el, pointer(300, 300));
    fireEvent.keyDown(el, { key: "Escape" });
    fireEvent.pointerUp(el, pointer(300, 300));
    expect(onResizeNode).not.toHaveBeenCalled();
    expect(el.style.cursor).not.toMatch(/resize/);
    // Dragged past the opposite corner, a task stops at 40 × 30.
    fireEvent.pointerDown(el, pointer(100, 100));
    fireEvent.pointerMove(el, pointer(300, 300));
    fireEvent.pointerUp(el, pointer(300, 300));
    expect(onResizeNode).toHaveBeenCalledWith({ id: "a", x: 180, y: 142, w: 40, h: 30 });
  });

  it("offers no resize handles on gateways and events, when read-only, or without onResizeNode", () => {
    const nodes = [node("a", "task", 100, 100), node("g", "exclusiveGateway", 100, 300), node("s", "startEvent", 300, 300)];
    const onResizeNode = vi.fn();
    const tryCorner = (el: HTMLElement, x: number, y: number) => {
      fireEvent.pointerMove(el, pointer(x, y));
      expect(el.style.cursor).not.toMatch(/resize/);
      fireEvent.pointerDown(el, pointer(x, y));
      fireEvent.pointerMove(el, pointer(x + 40, y + 40));
      fireEvent.pointerUp(el, pointer(x + 40, y + 40));
    };
    const { el, props, rerender } = setup({ nodes, edges: [], selection: new Set(["g"]), onResizeNode });
    tryCorner(el, 150, 350);
    rerender(<FlowCanvas {...props} selection={new Set(["s"])} />);
    tryCorner(el, 336, 336);
    rerender(<FlowCanvas {...props} selection={new Set(["a"])} readOnly />);
    tryCorner(el, 220, 172);
    rerender(<FlowCanvas {...props} selection={new Set(["a"])} onResizeNode={undefined} />);
    tryCorner(el, 220, 172);
    expect(onResizeNode).not.toHaveBeenCalled();
  });

  it("edits the selected edge's route from its handles, reporting the whole route once", () => {
    const onRouteEdge = vi.fn();
    const { el, props, handle } = setup({ selection: new Set(["e"]), onRouteEdge });
    // e runs straight from (220, 136) to (400, 136); the handle on its middle inserts a bend point.
    fireEvent.pointerMove(el, pointer(311, 137));
    expect(el.style.cursor).toBe("move");
    fireEvent.pointerDown(el, pointer(310, 136));
    fireEvent.pointerMove(el, pointer(310, 110));
    fireEvent.pointerMove(el, pointer(312, 77));
    expect(el.style.cursor).toBe("move");
    fireEvent.pointerUp(el, pointer(312, 77));
    expect(onRouteEdge).toHaveBeenCalledTimes(1);
    expect(onRouteEdge).toHaveBeenCalledWith({ id: "e", waypoints: [{ x: 220, y: 113.6 }, { x: 310, y: 80 }, { x: 400, y: 113.6 }] });
    expect(props.onSelectionChange).not.toHaveBeenCalled();
    expect(props.onMoveNodes).not.toHaveBeenCalled();
    // Until the parent's updated edges arrive, the edge is drawn (and found) along its new route.
    expect(handle.elementAt(265, 97)).toBe("e");
    expect(handle.elementAt(300, 136)).toBeNull();
  });

  it("moves a bend point of a stored route and cancels a route edit on Escape", () => {
    const onRouteEdge = vi.fn();
    const routed = edge("e", "a", "b", { waypoints: [{ x: 220, y: 136 }, { x: 300, y: 136 }, { x: 300, y: 250 }, { x: 460, y: 250 }, { x: 460, y: 172 }] });
    const { el } = setup({ edges: [routed], selection: new Set(["e"]), onRouteEdge });
    fireEvent.pointerDown(el, pointer(300, 250));
    fireEvent.pointerMove(el, pointer(330, 300));
    fireEvent.keyDown(el, { key: "Escape" });
    fireEvent.pointerUp(el, pointer(330, 300));
    expect(onRouteEdge).not.toHaveBeenCalled();
    expect(el.style.cursor).toBe("default");
    // The bend at (300, 250) moved down 40: its neighbours and the ends stay.
    fireEvent.pointerDown(el, pointer(300, 250));
    fireEvent.pointerMove(el, pointer(301, 270));
    fireEvent.pointerMove(el, pointer(302, 291));
    fireEvent.pointerUp(el, pointer(302, 291));
    expect(onRouteEdge).toHaveBeenCalledWith({
      id: "e",
      waypoints: [{ x: 220, y: 136 }, { x: 300, y: 136 }, { x: 300, y: 290 }, { x: 460, y: 250 }, { x: 460, y: 172 }],
    });
  });

  it("offers no route handles when read-only, without onRouteEdge, or unless exactly one edge is selected", () => {
    const onRouteEdge = vi.fn();
    const tryMiddle = (el: HTMLElement) => {
      fireEvent.pointerMove(el, pointer(310, 136));
      expect(el.style.cursor).not.toBe("move");
      fireEvent.pointerDown(el, pointer(310, 136));
      fireEvent.pointerMove(el, pointer(310, 100));
      fireEvent.pointerMove(el, pointer(310, 60));
      fireEvent.pointerUp(el, pointer(310, 60));
    };
    const { el, props, rerender } = setup({ selection: new Set(["e"]), onRouteEdge, readOnly: true });
    tryMiddle(el);
    rerender(<FlowCanvas {...props} readOnly={false} onRouteEdge={undefined} />);
    tryMiddle(el);
    for (const selection of [new Set<string>(), new Set(["a"]), new Set(["e", "a"])]) {
      rerender(<FlowCanvas {...props} readOnly={false} selection={selection} />);
      tryMiddle(el);
    }
    expect(onRouteEdge).not.toHaveBeenCalled();
  });

  it("activates on double click and on F2/Enter with one element selected", () => {
    const { el, props } = setup({ selection: new Set(["b"]) });
    fireEvent.doubleClick(el, { clientX: 150, clientY: 130 });
    expect(props.onActivate).toHaveBeenLastCalledWith("a");
    fireEvent.keyDown(el, { key: "F2" });
    expect(props.onActivate).toHaveBeenLastCalledWith("b");
    fireEvent.keyDown(el, { key: "Enter" });
    expect(props.onActivate).toHaveBeenCalledTimes(3);
  });

  it("opens nothing on a double click whose second press was a drag", () => {
    const { el, props } = setup();
    // A real double click opens.
    fireEvent.pointerDown(el, pointer(150, 130));
    fireEvent.pointerUp(el, pointer(150, 130));
    fireEvent.doubleClick(el, { clientX: 150, clientY: 130 });
    expect(props.onActivate).toHaveBeenCalledTimes(1);
    // A click, then a press that drags away: the browser still reports a double click.
    fireEvent.pointerDown(el, pointer(150, 130));
    fireEvent.pointerMove(el, pointer(150, 170));
    fireEvent.pointerUp(el, pointer(150, 190));
    fireEvent.doubleClick(el, { clientX: 150, clientY: 190 });
    expect(props.onActivate).toHaveBeenCalledTimes(1);
  });

  it("zooms around the pointer with the wheel", () => {
    const { el, handle } = setup();
    const before = handle.clientToFlow(200, 100);
    fireEvent.wheel(el, { clientX: 200, clientY: 100, deltaY: -100, deltaMode: 0 });
    const v = handle.getViewport();
    expect(v.zoom).toBeGreaterThan(1);
    const after = handle.clientToFlow(200, 100);
    expect(after.x).toBeCloseTo(before.x, 0);
    expect(after.y).toBeCloseTo(before.y, 0);
  });

  it("reports context menus with the element under the pointer, selecting it first", () => {
    const { el, props } = setup();
    fireEvent.contextMenu(el, { clientX: 450, clientY: 130 });
    expect(props.onSelectionChange).toHaveBeenLastCalledWith(["b"]);
    expect(props.onContextMenu).toHaveBeenLastCalledWith("b", 450, 130);
    fireEvent.contextMenu(el, { clientX: 10, clientY: 500 });
    expect(props.onContextMenu).toHaveBeenLastCalledWith(null, 10, 500);
  });

  it("accepts palette drops at flow coordinates, and none when read-only", () => {
    const data: Record<string, string> = { [DROP_MIME]: "userTask" };
    const dataTransfer = { types: [DROP_MIME], getData: (t: string) => data[t] ?? "", dropEffect: "none" };
    const { el, props, handle, rerender } = setup();
    handle.setViewport({ x: 100, y: 0, zoom: 2 });
    fireEvent.dragOver(el, { dataTransfer });
    expect(dataTransfer.dropEffect).toBe("copy");
    // jsdom has no DragEvent: a MouseEvent carrying the dataTransfer stands in for it.
    const drop = () => {
      const ev = new MouseEvent("drop", { clientX: 300, clientY: 80, bubbles: true, cancelable: true });
      Object.defineProperty(ev, "dataTransfer", { value: dataTransfer });
      el.dispatchEvent(ev);
      return ev;
    };
    expect(drop().defaultPrevented).toBe(true);
    expect(props.onDropKind).toHaveBeenCalledWith("userTask", 100, 40);
    rerender(<FlowCanvas {...props} readOnly />);
    drop();
    expect(props.onDropKind).toHaveBeenCalledTimes(1);
  });

  it("reports viewport changes once per frame", async () => {
    const onViewportChange = vi.fn();
    const { handle } = setup({ onViewportChange });
    handle.setViewport({ x: 5, y: 5, zoom: 1 });
    handle.setViewport({ x: 7, y: 9, zoom: 2 });
    await act(() => new Promise<void>((resolve) => setTimeout(resolve, 50)));
    expect(onViewportChange).toHaveBeenCalledTimes(1);
    expect(onViewportChange).toHaveBeenCalledWith({ x: 7, y: 9, zoom: 2 });
  });

  it("fits the flow once it has a size", () => {
    let notify: (() => void) | null = null;
    const Original = globalThis.ResizeObserver;
    globalThis.ResizeObserver = class {
      constructor(cb: ResizeObserverCallback) {
        notify = () => cb([], this as unknown as ResizeObserver);
      }
      observe() {}
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver;
    try {
      const { handle, el } = setup();
      // No layout yet: the fit waits for a size.
      handle.fitView(0);
      expect(handle.getViewport()).toEqual({ x: 0, y: 0, zoom: 1 });
      Object.defineProperty(el, "clientWidth", { value: 1000, configurable: true });
      Object.defineProperty(el, "clientHeight", { value: 500, configurable: true });
      act(() => notify?.());
      // Drawn bounds: x 88…532, y 88…184 (boxes plus a 12-unit stroke margin), centred at zoom 1 (the fit's maximum).
      expect(handle.getViewport()).toEqual({ x: 190, y: 114, zoom: 1 });
    } finally {
      globalThis.ResizeObserver = Original;
    }
  });
});
