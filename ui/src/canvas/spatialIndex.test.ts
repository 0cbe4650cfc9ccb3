import { describe, expect, it } from "vitest";
import { SpatialIndex } from "./spatialIndex";
import type { Rect } from "./types";

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function brute(rects: Rect[], q: Rect): number[] {
  const out: number[] = [];
  rects.forEach((r, i) => {
    if (r.x <= q.x + q.w && q.x <= r.x + r.w && r.y <= q.y + q.h && q.y <= r.y + r.h) out.push(i);
  });
  return out;
}

describe("SpatialIndex", () => {
  it("answers rectangle queries exactly like a linear scan, in ascending order", () => {
    const rand = rng(42);
    const rects: Rect[] = [];
    for (let i = 0; i < 3000; i++) {
      // Mostly node-sized boxes, some huge ones (pools), some at negative coordinates.
      const big = i % 97 === 0;
      rects.push({
        x: rand() * 20000 - 5000,
        y: rand() * 12000 - 3000,
        w: big ? 8000 + rand() * 4000 : 20 + rand() * 150,
        h: big ? 3000 : 20 + rand() * 80,
      });
    }
    const index = new SpatialIndex(256);
    rects.forEach((r, i) => index.insert(i, r));
    for (let k = 0; k < 200; k++) {
      const q = { x: rand() * 22000 - 6000, y: rand() * 14000 - 4000, w: rand() * 3000, h: rand() * 2000 };
      expect(index.query(q)).toEqual(brute(rects, q));
    }
    // A query larger than the whole world (zoomed far out) takes the scanning path and still agrees.
    const all = { x: -1e6, y: -1e6, w: 2e6, h: 2e6 };
    expect(index.query(all)).toEqual(rects.map((_, i) => i));
  });

  it("finds items around a point with a tolerance", () => {
    const index = new SpatialIndex(100);
    index.insert(0, { x: 0, y: 0, w: 10, h: 10 });
    index.insert(1, { x: 50, y: 50, w: 10, h: 10 });
    expect(index.queryPoint({ x: 5, y: 5 })).toEqual([0]);
    expect(index.queryPoint({ x: 14, y: 5 })).toEqual([]);
    expect(index.queryPoint({ x: 14, y: 5 }, 5)).toEqual([0]);
    expect(index.queryPoint({ x: 30, y: 30 }, 1)).toEqual([]);
  });

  it("reports an item spanning many cells once", () => {
    const index = new SpatialIndex(10);
    index.insert(0, { x: 0, y: 0, w: 55, h: 55 }); // 36 cells: in the grid
    index.insert(1, { x: 0, y: 0, w: 500, h: 500 }); // too many cells: in the large list
    expect(index.query({ x: 0, y: 0, w: 60, h: 60 })).toEqual([0, 1]);
    expect(index.query({ x: 400, y: 400, w: 5, h: 5 })).toEqual([1]);
  });

  it("requires dense ids", () => {
    const index = new SpatialIndex();
    index.insert(0, { x: 0, y: 0, w: 1, h: 1 });
    expect(() => index.insert(2, { x: 0, y: 0, w: 1, h: 1 })).toThrow(/dense/);
  });

  it("is empty-safe", () => {
    expect(new SpatialIndex().query({ x: 0, y: 0, w: 100, h: 100 })).toEqual([]);
  });
});
