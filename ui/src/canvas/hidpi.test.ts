// High-density screens (125 %, 150 %, 200 % scaling): the canvas's backing store follows
// devicePixelRatio, so one CSS pixel is drawn with dpr × dpr device pixels and text and lines
// stay crisp. jsdom has no 2D canvas, so the engine runs here on a context that accepts every
// call and records the transforms it is given.

import { afterEach, describe, expect, it, vi } from "vitest";
import { cacheMargin } from "./bitmapCache";
import { TextLayout } from "./text";

type Call = { name: string; args: unknown[] };

/** A 2D context that does nothing but record setTransform calls. */
function recordingContext(calls: Call[]): CanvasRenderingContext2D {
  const target: Record<string, unknown> = {};
  return new Proxy(target, {
    get(t, key) {
      if (key in t) return t[key as string];
      if (key === "measureText") return (s: string) => ({ width: s.length * 7 });
      return (...args: unknown[]) => {
        if (key === "setTransform") calls.push({ name: "setTransform", args });
      };
    },
    set(t, key, value) {
      t[key as string] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

const calls: Call[] = [];

vi.mock("./canvasSupport", () => ({
  hasCanvasSupport: () => true,
  createCanvas2D: (w: number, h: number) => ({ canvas: { width: Math.ceil(w), height: Math.ceil(h) }, ctx: recordingContext(calls) }),
  createTextLayout: () => TextLayout.estimating(),
}));

const { CanvasEngine } = await import("./engine");
const { node } = await import("./testFlows");

function mount(cssWidth: number, cssHeight: number, size = { w: cssWidth, h: cssHeight }) {
  const container = document.createElement("div");
  Object.defineProperty(container, "clientWidth", { get: () => size.w });
  Object.defineProperty(container, "clientHeight", { get: () => size.h });
  const canvas = document.createElement("canvas");
  canvas.getContext = (() => recordingContext(calls)) as unknown as HTMLCanvasElement["getContext"];
  container.appendChild(canvas);
  document.body.appendChild(container);
  const engine = new CanvasEngine({
    nodes: [node("t", "task", 100, 100, { name: "核对客户资料" })],
    edges: [],
    lanes: [],
    selection: new Set(),
    onSelectionChange: () => {},
    onMoveNodes: () => {},
    onConnect: () => {},
    onActivate: () => {},
  });
  engine.attach(container, canvas);
  return { engine, canvas };
}

function setDpr(dpr: number) {
  Object.defineProperty(window, "devicePixelRatio", { value: dpr, configurable: true, writable: true });
}

afterEach(() => {
  setDpr(1);
  document.body.innerHTML = "";
  calls.length = 0;
});

describe("the canvas on high-density screens", () => {
  for (const dpr of [1, 1.25, 1.5, 2]) {
    it(`has a backing store of devicePixelRatio × its CSS size at ${dpr * 100} %`, () => {
      setDpr(dpr);
      const { engine, canvas } = mount(820, 480);
      // The canvas covers the pane plus the cache's margin on every side, in device pixels.
      const margin = cacheMargin(dpr);
      expect(canvas.width).toBe(Math.round(820 * dpr) + 2 * margin);
      expect(canvas.height).toBe(Math.round(480 * dpr) + 2 * margin);
      // Its CSS size is the backing store divided by dpr: one device pixel per device pixel.
      expect(parseFloat(canvas.style.width) * dpr).toBeCloseTo(canvas.width, 6);
      expect(parseFloat(canvas.style.height) * dpr).toBeCloseTo(canvas.height, 6);
      // The scene is drawn scaled by zoom × dpr (zoom 1 here).
      const scales = calls.filter((c) => c.name === "setTransform").map((c) => c.args[0]);
      expect(scales).toContain(dpr);
      engine.detach();
    });
  }

  it("follows the window to a screen of another density", () => {
    setDpr(1);
    const { engine, canvas } = mount(800, 500);
    expect(canvas.width).toBe(800 + 2 * cacheMargin(1));
    setDpr(2);
    engine.handle().setViewport({ x: 10, y: 10, zoom: 1 });
    return new Promise<void>((resolve) => {
      requestAnimationFrame(() => {
        expect(canvas.width).toBe(1600 + 2 * cacheMargin(2));
        engine.detach();
        resolve();
      });
    });
  });
});

describe("the canvas when the window is resized", () => {
  it("keeps the flow point at the pane's centre; a panel opening in the window moves nothing", () => {
    const size = { w: 800, h: 500 };
    const { engine } = mount(800, 500, size);
    const handle = engine.handle();
    handle.setViewport({ x: 100, y: 50, zoom: 0.5 });
    const measure = () => (engine as unknown as { measure(paintNow?: boolean): void }).measure(false);
    // The window shrinks by 200 × 100: the pane with it.
    window.innerWidth = 1080;
    window.innerHeight = 700;
    size.w = 600;
    size.h = 400;
    measure();
    expect(handle.getViewport()).toEqual({ x: 0, y: 0, zoom: 0.5 });
    // The element panel takes 288 px of the same window: the view stays.
    size.w = 312;
    measure();
    expect(handle.getViewport()).toEqual({ x: 0, y: 0, zoom: 0.5 });
    window.innerWidth = 1280;
    window.innerHeight = 800;
    engine.detach();
  });
});
