import { describe, expect, it } from "vitest";
import { bitmapRectToFlow, cacheMargin, exposedRects, placementFor, planCache, type CacheState, type ScreenView } from "./bitmapCache";

const view = (over: Partial<ScreenView> = {}): ScreenView => ({ zoom: 1, dpr: 1, tx: 0, ty: 0, wd: 800, hd: 600, ...over });

function stateFor(v: ScreenView, key = "k"): CacheState {
  const plan = planCache(null, v, key, false);
  if (plan.type !== "full") throw new Error("expected full");
  return { zoom: v.zoom, dpr: v.dpr, ox: plan.ox, oy: plan.oy, key, wd: plan.wd, hd: plan.hd };
}

describe("planCache", () => {
  it("renders fully the first time, with the margin around the view", () => {
    const plan = planCache(null, view(), "k", false);
    const m = cacheMargin(1);
    expect(plan).toEqual({ type: "full", ox: m, oy: m, wd: 800 + 2 * m, hd: 600 + 2 * m });
  });

  it("only blits while a pan stays within the margin", () => {
    const s = stateFor(view());
    const m = cacheMargin(1);
    expect(planCache(s, view(), "k", false)).toEqual({ type: "blit", sx: m, sy: m, sw: 800, sh: 600 });
    expect(planCache(s, view({ tx: 100, ty: -50 }), "k", false)).toEqual({ type: "blit", sx: m - 100, sy: m + 50, sw: 800, sh: 600 });
    expect(planCache(s, view({ tx: m, ty: -m }), "k", false).type).toBe("blit");
  });

  it("shifts (renders only exposed strips) past the margin, and renders fully after a long jump", () => {
    const s = stateFor(view());
    const m = cacheMargin(1);
    const plan = planCache(s, view({ tx: -(m + 10) }), "k", false);
    expect(plan.type).toBe("shift");
    if (plan.type === "shift") {
      expect(plan.dx).toBe(-(m + 10));
      expect(plan.ox).toBe(-(m + 10) + m);
    }
    expect(planCache(s, view({ tx: -5000 }), "k", false).type).toBe("full");
  });

  it("keeps more margin ahead of the pan direction when re-centring", () => {
    const s = stateFor(view());
    const ahead = planCache(s, view({ tx: -400 }), "k", false, { x: 1, y: 0 });
    const centred = planCache(s, view({ tx: -400 }), "k", false);
    if (ahead.type === "blit" || centred.type === "blit") throw new Error("expected a render");
    // Content moving left (bias +1): the view maps to the left part of the bitmap.
    expect(ahead.ox).toBeLessThan(centred.ox);
  });

  it("renders fully when the scene, the zoom or the size changes", () => {
    const s = stateFor(view());
    expect(planCache(s, view(), "other", false).type).toBe("full");
    expect(planCache(s, view({ zoom: 1.1 }), "k", false).type).toBe("full");
    expect(planCache(s, view({ wd: 801 }), "k", false).type).toBe("full");
    expect(planCache(s, view({ dpr: 2 }), "k", false).type).toBe("full");
  });

  it("blits scaled while zooming if the bitmap still covers the view", () => {
    const s = stateFor(view());
    // Zooming in around the centre: the view needs a smaller part of the bitmap.
    const zoomed = view({ zoom: 1.25, tx: -100, ty: -75 });
    const plan = planCache(s, zoomed, "k", true);
    expect(plan.type).toBe("blit");
    if (plan.type === "blit") {
      expect(plan.sw).toBeCloseTo(800 / 1.25);
      expect(plan.sh).toBeCloseTo(600 / 1.25);
    }
    expect(planCache(s, zoomed, "k", false).type).toBe("full");
    // Zooming out far: the bitmap no longer covers the view.
    expect(planCache(s, view({ zoom: 0.5, tx: 200, ty: 150 }), "k", true).type).toBe("full");
  });
});

describe("exposedRects", () => {
  it("covers exactly the part the shifted copy does not", () => {
    const w = 100;
    const h = 80;
    for (const [dx, dy] of [[10, 0], [0, -7], [13, 9], [-20, 30], [-5, -5], [0, 0]]) {
      const rects = exposedRects(w, h, dx, dy);
      const area = rects.reduce((a, r) => a + r.w * r.h, 0);
      const copied = (w - Math.abs(dx)) * (h - Math.abs(dy));
      expect(area + copied).toBe(w * h);
      for (const r of rects) {
        expect(r.x).toBeGreaterThanOrEqual(0);
        expect(r.y).toBeGreaterThanOrEqual(0);
        expect(r.x + r.w).toBeLessThanOrEqual(w);
        expect(r.y + r.h).toBeLessThanOrEqual(h);
      }
    }
    expect(exposedRects(w, h, 500, 0)).toEqual([{ x: 0, y: 0, w, h }]);
  });

  it("maps bitmap rectangles back to flow coordinates", () => {
    expect(bitmapRectToFlow({ x: 100, y: 50, w: 20, h: 10 }, { zoom: 2, dpr: 1, ox: 100, oy: 50 })).toEqual({ x: 0, y: 0, w: 10, h: 5 });
    expect(bitmapRectToFlow({ x: 0, y: 0, w: 40, h: 40 }, { zoom: 1, dpr: 2, ox: -40, oy: 0 })).toEqual({ x: 20, y: 0, w: 20, h: 20 });
  });
});

describe("placementFor", () => {
  it("places the bitmap so that flow points land where the viewport puts them", () => {
    const zoomed = { ...view({ zoom: 1.25, tx: -100, ty: -75, dpr: 2 }) };
    const s = stateFor(view({ dpr: 2 }));
    for (const v of [view({ dpr: 2, tx: 37, ty: -12 }), zoomed]) {
      const plan = planCache(s, v, "k", true);
      if (plan.type !== "blit") throw new Error("expected a blit");
      const p = placementFor(plan, v);
      for (const flow of [{ x: 0, y: 0 }, { x: 123, y: -45 }]) {
        // Bitmap device pixel of the flow point, shown at CSS px = bitmap px / dpr × scale + translation.
        const bx = flow.x * s.zoom * s.dpr + s.ox;
        const by = flow.y * s.zoom * s.dpr + s.oy;
        const cssX = (bx / v.dpr) * p.scale + p.x;
        const cssY = (by / v.dpr) * p.scale + p.y;
        // Where the viewport wants it: flow × zoom + translation, in CSS px.
        expect(cssX).toBeCloseTo((flow.x * v.zoom * v.dpr + v.tx) / v.dpr, 6);
        expect(cssY).toBeCloseTo((flow.y * v.zoom * v.dpr + v.ty) / v.dpr, 6);
      }
    }
  });
});
