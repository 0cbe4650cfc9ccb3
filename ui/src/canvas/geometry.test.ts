import { describe, expect, it } from "vitest";
import {
  borderPoint,
  distanceToPolyline,
  edgePoints,
  meetsNode,
  polylineMidpoint,
  rectContainsRect,
  routeEdge,
  shapeContains,
  snap,
} from "./geometry";
import { edge, node } from "./testFlows";
import type { CanvasNode, Point } from "./types";

function onBorder(p: Point, n: CanvasNode): boolean {
  const onX = Math.abs(p.x - n.x) < 1e-9 || Math.abs(p.x - (n.x + n.w)) < 1e-9;
  const onY = Math.abs(p.y - n.y) < 1e-9 || Math.abs(p.y - (n.y + n.h)) < 1e-9;
  const inX = p.x >= n.x && p.x <= n.x + n.w;
  const inY = p.y >= n.y && p.y <= n.y + n.h;
  return (onX && inY) || (onY && inX);
}

function orthogonal(points: Point[]): boolean {
  for (let i = 1; i < points.length; i++) {
    if (points[i].x !== points[i - 1].x && points[i].y !== points[i - 1].y) return false;
  }
  return true;
}

describe("routeEdge", () => {
  it("goes straight between aligned shapes, from the facing sides", () => {
    const a = node("a", "task", 0, 0);
    const b = node("b", "task", 300, 0);
    expect(routeEdge(a, b)).toEqual([{ x: 120, y: 36 }, { x: 300, y: 36 }]);
    expect(routeEdge(b, a)).toEqual([{ x: 300, y: 36 }, { x: 120, y: 36 }]);
  });

  it("makes an orthogonal elbow between shapes that are not aligned, ending on both borders", () => {
    const a = node("a", "task", 0, 0);
    const g = node("g", "exclusiveGateway", 300, 200);
    const route = routeEdge(a, g);
    expect(route).toHaveLength(4);
    expect(orthogonal(route)).toBe(true);
    expect(onBorder(route[0], a)).toBe(true);
    expect(onBorder(route[route.length - 1], g)).toBe(true);
    // The side midpoint of a diamond's box is its vertex: on the drawn shape too.
    expect(shapeContains(g, route[route.length - 1])).toBe(true);
  });

  it("leaves vertically when the target is clearly below", () => {
    const a = node("a", "task", 0, 0);
    const b = node("b", "task", 10, 300);
    const route = routeEdge(a, b);
    expect(route[0]).toEqual({ x: 60, y: 72 });
    expect(route[route.length - 1]).toEqual({ x: 70, y: 300 });
    expect(orthogonal(route)).toBe(true);
  });

  it("routes a loop back into the same node", () => {
    const a = node("a", "task", 0, 0);
    const route = routeEdge(a, a);
    expect(orthogonal(route)).toBe(true);
    expect(onBorder(route[0], a) && onBorder(route[route.length - 1], a)).toBe(true);
    expect(route.length).toBeGreaterThan(2);
  });
});

describe("edgePoints", () => {
  const a = node("a", "task", 0, 0);
  const b = node("b", "task", 300, 200);
  const stored = [{ x: 120, y: 36 }, { x: 200, y: 36 }, { x: 200, y: 236 }, { x: 300, y: 236 }];

  it("uses stored waypoints while both ends still meet their nodes", () => {
    expect(edgePoints(edge("e", "a", "b", { waypoints: stored }), a, b)).toBe(stored);
  });

  it("re-routes when a node has moved away from the stored ends", () => {
    const moved = { ...b, x: 500, y: 400 };
    const points = edgePoints(edge("e", "a", "b", { waypoints: stored }), a, moved);
    expect(points).toEqual(routeEdge(a, moved));
    expect(points).not.toBe(stored);
  });

  it("routes edges without waypoints, and gives up without nodes or waypoints", () => {
    expect(edgePoints(edge("e", "a", "b"), a, b)).toEqual(routeEdge(a, b));
    expect(edgePoints(edge("e", "a", "zz"), a, undefined)).toBeNull();
    // A dangling end with stored waypoints is still drawn from them.
    expect(edgePoints(edge("e", "a", "zz", { waypoints: stored }), a, undefined)).toBe(stored);
  });

  it("accepts DI endpoints that lie a little inside or outside the box", () => {
    expect(meetsNode({ x: -4, y: 10 }, a)).toBe(true);
    expect(meetsNode({ x: 60, y: 36 }, a)).toBe(true);
    expect(meetsNode({ x: -10, y: 10 }, a)).toBe(false);
  });
});

describe("borderPoint", () => {
  it("meets a box straight across from a point beside, above or below it, else towards its centre", () => {
    const t = node("t", "task", 100, 100); // 100..220 × 100..172, centre (160, 136)
    expect(borderPoint(t, { x: 300, y: 120 })).toEqual({ x: 220, y: 120 });
    expect(borderPoint(t, { x: 0, y: 150 })).toEqual({ x: 100, y: 150 });
    expect(borderPoint(t, { x: 130, y: 20 })).toEqual({ x: 130, y: 100 });
    expect(borderPoint(t, { x: 200, y: 300 })).toEqual({ x: 200, y: 172 });
    // Diagonally off a corner: on the line to the centre (here through the corner itself).
    expect(borderPoint(t, { x: 280, y: 208 })).toEqual({ x: 220, y: 172 });
    expect(onBorder(borderPoint(t, { x: 400, y: 400 }), t)).toBe(true);
  });

  it("meets an event's circle and a gateway's diamond on their outlines", () => {
    const ev = node("ev", "startEvent", 100, 100); // centre (118, 118), r 18
    expect(borderPoint(ev, { x: 300, y: 118 })).toEqual({ x: 136, y: 118 });
    const across = borderPoint(ev, { x: 300, y: 128 });
    expect(across.y).toBe(128);
    expect(Math.hypot(across.x - 118, across.y - 118)).toBeCloseTo(18);
    const diag = borderPoint(ev, { x: 218, y: 218 });
    expect(Math.hypot(diag.x - 118, diag.y - 118)).toBeCloseTo(18);
    const gw = node("gw", "exclusiveGateway", 100, 100); // centre (125, 125), half-diagonals 25
    expect(borderPoint(gw, { x: 125, y: 0 })).toEqual({ x: 125, y: 100 });
    expect(borderPoint(gw, { x: 300, y: 135 })).toEqual({ x: 140, y: 135 });
    const d = borderPoint(gw, { x: 300, y: 300 });
    expect(Math.abs(d.x - 125) / 25 + Math.abs(d.y - 125) / 25).toBeCloseTo(1);
  });
});

describe("polylines and shapes", () => {
  it("finds the middle of a polyline by length", () => {
    expect(polylineMidpoint([{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }])).toEqual({ x: 100, y: 0 });
    expect(polylineMidpoint([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 90 }])).toEqual({ x: 10, y: 40 });
  });

  it("measures the distance to the nearest segment", () => {
    const line = [{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }];
    expect(distanceToPolyline({ x: 50, y: 3 }, line)).toBeCloseTo(3);
    expect(distanceToPolyline({ x: 104, y: 50 }, line)).toBeCloseTo(4);
    expect(distanceToPolyline({ x: -3, y: -4 }, line)).toBeCloseTo(5);
  });

  it("hits circles and diamonds by their outline, not their box corners", () => {
    const ev = node("e", "startEvent", 0, 0);
    expect(shapeContains(ev, { x: 18, y: 18 })).toBe(true);
    expect(shapeContains(ev, { x: 2, y: 2 })).toBe(false);
    const gw = node("g", "exclusiveGateway", 0, 0);
    expect(shapeContains(gw, { x: 25, y: 3 })).toBe(true);
    expect(shapeContains(gw, { x: 3, y: 3 })).toBe(false);
    expect(shapeContains(node("t", "task", 0, 0), { x: 1, y: 1 })).toBe(true);
  });

  it("snaps to the grid and checks containment", () => {
    expect(snap(14)).toBe(10);
    expect(snap(15)).toBe(20);
    expect(snap(-14)).toBe(-10);
    expect(rectContainsRect({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 0, w: 10, h: 10 })).toBe(true);
    expect(rectContainsRect({ x: 0, y: 0, w: 10, h: 10 }, { x: 1, y: 1, w: 10, h: 1 })).toBe(false);
  });
});
