import { describe, expect, it } from "vitest";
import type { Viewport } from "./types";
import {
  MAX_ZOOM,
  MIN_ZOOM,
  alignToDevicePixels,
  centerOn,
  fitBounds,
  flowToScreen,
  screenToFlow,
  visibleFlowRect,
  wheelZoomFactor,
  zoomAround,
} from "./viewport";

describe("viewport math", () => {
  it("flowToScreen and screenToFlow are inverse", () => {
    const views: Viewport[] = [
      { x: 0, y: 0, zoom: 1 },
      { x: 123.5, y: -40, zoom: 0.37 },
      { x: -9000, y: 4000, zoom: 2.9 },
    ];
    for (const v of views) {
      for (const p of [{ x: 0, y: 0 }, { x: 512.25, y: -77 }, { x: -3000, y: 12000 }]) {
        const back = screenToFlow(v, flowToScreen(v, p));
        expect(back.x).toBeCloseTo(p.x, 9);
        expect(back.y).toBeCloseTo(p.y, 9);
      }
    }
    expect(flowToScreen({ x: 10, y: 20, zoom: 2 }, { x: 5, y: 5 })).toEqual({ x: 20, y: 30 });
  });

  it("zooms around the pointer: the flow point under it stays put, and the zoom is clamped", () => {
    const v = { x: 40, y: -60, zoom: 0.8 };
    const pointer = { x: 300, y: 200 };
    const under = screenToFlow(v, pointer);
    const z = zoomAround(v, pointer, 1.7);
    expect(z.zoom).toBe(1.7);
    const after = screenToFlow(z, pointer);
    expect(after.x).toBeCloseTo(under.x, 9);
    expect(after.y).toBeCloseTo(under.y, 9);
    expect(zoomAround(v, pointer, 50).zoom).toBe(MAX_ZOOM);
    expect(zoomAround(v, pointer, 0.001).zoom).toBe(MIN_ZOOM);
  });

  it("fits bounds centred, within the padding, at most at zoom 1", () => {
    const bounds = { x: 1000, y: 500, w: 4000, h: 1000 };
    const v = fitBounds(bounds, 800, 600, 0.1);
    const r = visibleFlowRect(v, 800, 600);
    expect(r.x).toBeLessThanOrEqual(bounds.x);
    expect(r.y).toBeLessThanOrEqual(bounds.y);
    expect(r.x + r.w).toBeGreaterThanOrEqual(bounds.x + bounds.w);
    expect(r.y + r.h).toBeGreaterThanOrEqual(bounds.y + bounds.h);
    expect(v.zoom).toBeCloseTo((800 * 0.8) / 4000, 9);
    const c = flowToScreen(v, { x: 3000, y: 1000 });
    expect(c.x).toBeCloseTo(400, 9);
    expect(c.y).toBeCloseTo(300, 9);
    expect(fitBounds({ x: 0, y: 0, w: 10, h: 10 }, 800, 600).zoom).toBe(1);
  });

  it("centres a point", () => {
    const v = centerOn({ x: 50, y: 70 }, 400, 300, 2);
    expect(flowToScreen(v, { x: 50, y: 70 })).toEqual({ x: 200, y: 150 });
  });

  it("turns wheel deltas into bounded zoom factors (down = out)", () => {
    expect(wheelZoomFactor(100, 0)).toBeLessThan(1);
    expect(wheelZoomFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelZoomFactor(3, 1)).toBeCloseTo(wheelZoomFactor(48, 0), 9);
    expect(wheelZoomFactor(100000, 0)).toBeCloseTo(wheelZoomFactor(200, 0), 9);
  });

  it("aligns translations to device pixels", () => {
    expect(alignToDevicePixels({ x: 10.3, y: -4.74, zoom: 1.5 }, 2)).toEqual({ x: 10.5, y: -4.5, zoom: 1.5 });
    expect(alignToDevicePixels({ x: 10.3, y: 4.6, zoom: 1 }, 1)).toEqual({ x: 10, y: 5, zoom: 1 });
  });
});
