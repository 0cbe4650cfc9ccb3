import { describe, expect, it } from "vitest";
import { drawHeaderName } from "./draw";
import { BAND_NAME_PX, FULL_LOD, lodFor } from "./lod";
import { buildScene, drawScene } from "./scene";
import { SvgContext } from "./svgContext";
import { TextLayout } from "./text";
import { node } from "./testFlows";
import type { CanvasLane } from "./types";

const text = TextLayout.estimating();

/** The texts an SVG drawing holds, with their font sizes. */
function texts(svg: string): { text: string; size: number }[] {
  return [...svg.matchAll(/<text[^>]*font-size="([0-9.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ size: Number(m[1]), text: m[2] }));
}

function lane(id: string, name: string, y: number, h: number): CanvasLane {
  return { id, name, x: 30, y, w: 1600, h, pool: "pool" } as CanvasLane;
}

describe("names of pools and lanes", () => {
  const pool = node("pool", "pool", 0, 0, { w: 1630, h: 600, name: "贷款审批" });
  const lanes = [lane("l1", "客户经理", 0, 200), lane("l2", "风险经理", 200, 200), lane("l3", "审批人", 400, 200)];
  const scene = buildScene([pool], [], lanes);

  it("stay drawn at the zoom that frames a laptop-sized flow, where task names give way", () => {
    // 1,630 × 600 framed in a 790 × 500 pane is about 0.45; in a 1024-wide window's, 0.3.
    const drawnAt = (zoom: number) => {
      const ctx = new SvgContext();
      drawScene(ctx, scene, { area: { x: -100, y: -100, w: 2000, h: 900 }, lod: lodFor(zoom), text });
      return texts(ctx.content()).map((t) => t.text);
    };
    for (const zoom of [0.45, 0.3]) {
      for (const name of ["贷款审批", "客户经理", "风险经理", "审批人"]) expect(drawnAt(zoom), `zoom ${zoom}`).toContain(name);
    }
    expect(lodFor(0.3).labels).toBe(false);
    // At 20 % a 200-unit lane is 40 px tall: its name is shortened, not dropped.
    expect(drawnAt(0.2)).toContain("客…");
  });

  it("are at least BAND_NAME_PX tall on screen when zoomed out, and their own size up close", () => {
    for (const zoom of [0.2, 0.3, 0.5, 1, 2]) {
      const ctx = new SvgContext();
      drawHeaderName(ctx, "客户经理", 30, 0, 400, lodFor(zoom), text, "right");
      const [t] = texts(ctx.content());
      expect(t.size * zoom, `zoom ${zoom}`).toBeGreaterThanOrEqual(BAND_NAME_PX - 0.01);
      if (zoom >= 1) expect(t.size).toBe(12.5);
    }
  });

  it("sit on a plate once they are wider than the header strip, growing away from the lanes for a pool", () => {
    const svg = (grow: "left" | "right") => {
      const ctx = new SvgContext();
      drawHeaderName(ctx, "客户经理", 100, 0, 600, lodFor(0.2), text, grow);
      return ctx.content();
    };
    expect(svg("right")).toContain("<path");
    const near = new SvgContext();
    drawHeaderName(near, "客户经理", 100, 0, 600, FULL_LOD, text, "right");
    expect(near.content()).not.toContain("<path");
  });

  it("are left out only when not even a few characters fit the band", () => {
    const ctx = new SvgContext();
    // A 30-unit band at 20 %: 6 px on screen, less than the 11 px font.
    drawHeaderName(ctx, "客户经理", 0, 0, 30, lodFor(0.2), text, "right");
    expect(texts(ctx.content())).toEqual([]);
  });
});
