import { describe, expect, it } from "vitest";
import { LOD_ARROWS, LOD_LABELS, LOD_MARKERS, dotGridStep, lodFor } from "./lod";

describe("lodFor", () => {
  it("shows everything at zoom 1 and only outlines when far out", () => {
    expect(lodFor(1)).toEqual({ labels: true, edgeLabels: true, markers: true, arrows: true, rounded: true, minLineWidth: 0.75, bandNameMin: 11 });
    expect(lodFor(0.1)).toEqual({ labels: false, edgeLabels: false, markers: false, arrows: false, rounded: false, minLineWidth: 7.5, bandNameMin: 110 });
  });

  it("drops text before markers and markers before arrowheads as the zoom falls", () => {
    const between = (a: number, b: number) => (a + b) / 2;
    const z1 = between(LOD_MARKERS, LOD_LABELS);
    expect(lodFor(z1).labels).toBe(false);
    expect(lodFor(z1).markers).toBe(true);
    const z2 = between(LOD_ARROWS, LOD_MARKERS);
    expect(lodFor(z2).markers).toBe(false);
    expect(lodFor(z2).arrows).toBe(true);
    // Names stop where a 12.5 px font would be about 5 px tall on screen.
    expect(12.5 * LOD_LABELS).toBeCloseTo(5, 0);
  });

  it("keeps lines at least about 0.75 screen pixels wide", () => {
    for (const z of [0.1, 0.25, 1, 3]) expect(lodFor(z).minLineWidth * z).toBeCloseTo(0.75);
  });

  it("spreads the dot grid so dots stay apart on screen", () => {
    expect(dotGridStep(1)).toBe(20);
    expect(dotGridStep(0.5)).toBe(20);
    expect(dotGridStep(0.4)).toBe(40);
    expect(dotGridStep(0.1)).toBe(160);
    for (const z of [0.1, 0.13, 0.3, 0.77, 1, 2.5]) expect(dotGridStep(z) * z).toBeGreaterThanOrEqual(10);
  });
});
