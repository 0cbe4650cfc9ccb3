import { describe, expect, it } from "vitest";
import { FIT_FRAME, OPEN_FRAME, flowBounds, frameViewport } from "./framing";
import { planToolbar } from "./OverflowToolbar";
import { FOLD_BELOW, isFolded } from "../components/useCollapse";

/** Whether every rectangle lies inside a pane of `w` × `h` at viewport `v`. */
function allInside(v: { x: number; y: number; zoom: number }, rects: { x: number; y: number; w: number; h: number }[], w: number, h: number) {
  return rects.every((r) => r.x * v.zoom + v.x >= 0 && r.y * v.zoom + v.y >= 0 && (r.x + r.w) * v.zoom + v.x <= w && (r.y + r.h) * v.zoom + v.y <= h);
}

describe("framing a flow", () => {
  // A 41-element bank process in three lanes: about 2,300 × 760 flow units.
  const bank = [
    { x: 0, y: 0, w: 2300, h: 760 },
    { x: 120, y: 60, w: 100, h: 80 },
    { x: 2100, y: 620, w: 100, h: 80 },
  ];

  it("opens a laptop-sized flow whole in a 1024-wide window's pane", () => {
    const b = flowBounds(bank)!;
    const v = frameViewport(b, 820, 480, OPEN_FRAME);
    expect(v.zoom).toBeLessThan(0.4);
    expect(allInside(v, bank, 820, 480)).toBe(true);
  });

  it("fits anything whole on Fit, and opens a huge flow at its top left", () => {
    const huge = [{ x: 0, y: 0, w: 20000, h: 3000 }];
    const b = flowBounds(huge)!;
    expect(allInside(frameViewport(b, 900, 500, FIT_FRAME), huge, 900, 500)).toBe(false); // below the smallest zoom
    const wide = [{ x: 0, y: 0, w: 7000, h: 1200 }];
    expect(allInside(frameViewport(flowBounds(wide)!, 900, 500, FIT_FRAME), wide, 900, 500)).toBe(true);
    const open = frameViewport(b, 900, 500, OPEN_FRAME);
    expect(open.zoom).toBe(OPEN_FRAME.minZoom);
    expect(open.x).toBe(24);
  });

  it("counts edge routes that leave the shapes' bounds", () => {
    const b = flowBounds([{ x: 0, y: 0, w: 100, h: 100 }], [{ waypoints: [{ x: 50, y: 50 }, { x: 50, y: 400 }] }])!;
    expect(b.maxY).toBe(400);
    expect(flowBounds([])).toBeNull();
  });
});

describe("planning the canvas toolbar", () => {
  const items = [
    { id: "connect", priority: 70, width: 90 },
    { id: "rename", priority: 80, width: 80 },
    { id: "delete", priority: 90, width: 80 },
    { id: "fit", priority: 100, width: 40 },
    { id: "export", priority: 60, width: 200 },
    { id: "stats", priority: 20, width: 150 },
  ];

  it("shows everything when it fits", () => {
    expect(planToolbar(items, 1000, 36).size).toBe(items.length);
  });

  it("folds the least important first and keeps room for the More button", () => {
    const shown = planToolbar(items, 420, 36);
    expect([...shown].sort()).toEqual(["connect", "delete", "fit", "rename"]);
    const narrow = planToolbar(items, 150, 36);
    expect([...narrow]).toEqual(["fit"]);
  });
});

describe("folding the side panes", () => {
  it("folds by itself below the breakpoint and follows a person's choice until it is crossed", () => {
    const wide = FOLD_BELOW.sidebar + 200;
    const narrow = FOLD_BELOW.sidebar - 100;
    expect(isFolded("sidebar", wide, undefined)).toBe(false);
    expect(isFolded("sidebar", narrow, undefined)).toBe(true);
    // Unfolded by hand on a narrow window: stays unfolded there...
    const choice = { folded: false, autoWhenChosen: true };
    expect(isFolded("sidebar", narrow, choice)).toBe(false);
    // ...and the window growing past the breakpoint hands the pane back to the room.
    expect(isFolded("sidebar", wide, choice)).toBe(false);
    expect(isFolded("sidebar", narrow - 50, { folded: true, autoWhenChosen: false })).toBe(true);
    expect(isFolded("sidebar", wide, { folded: true, autoWhenChosen: false })).toBe(true);
  });
});
