import { describe, expect, it } from "vitest";
import { routeEdge } from "./geometry";
import { FULL_LOD, lodFor } from "./lod";
import { buildScene, drawScene, nodesInside, nodesMovingWith } from "./scene";
import { SvgContext } from "./svgContext";
import { TextLayout } from "./text";
import { edge, node } from "./testFlows";
import type { Rect } from "./types";

function drawnIds(scene: ReturnType<typeof buildScene>, area: Rect): string[] {
  const ids: string[] = [];
  drawScene(new SvgContext(), scene, {
    area,
    lod: FULL_LOD,
    text: TextLayout.estimating(),
    wrap: { begin: (_k, id) => ids.push(id), end: () => {} },
  });
  return ids;
}

describe("buildScene", () => {
  const nodes = [
    node("task1", "task", 100, 100),
    node("pool", "pool", 0, 0, { w: 2000, h: 600 }),
    node("boundary", "boundaryEvent", 200, 150),
    node("sub", "subProcess", 400, 50, { w: 500, h: 400 }),
    node("inner", "subProcess", 450, 100, { w: 200, h: 150 }),
    node("grp", "group", 50, 50, { w: 300, h: 200 }),
    node("inSub", "task", 700, 300),
  ];
  const scene = buildScene(nodes, [edge("e", "task1", "inSub")], []);

  it("orders nodes back to front: pools, groups, containers (big first), nodes, boundary events", () => {
    expect(scene.nodes.map((n) => n.id)).toEqual(["pool", "grp", "sub", "inner", "task1", "inSub", "boundary"]);
  });

  it("moves what is inside a container with it, and nothing else", () => {
    expect(nodesMovingWith(scene, ["sub"]).sort()).toEqual(["inSub", "inner", "sub"]);
    expect(nodesMovingWith(scene, ["grp"]).sort()).toEqual(["boundary", "grp", "task1"]);
    expect(nodesMovingWith(scene, ["task1"])).toEqual(["task1"]);
    expect(nodesMovingWith(scene, ["pool"]).length).toBe(nodes.length);
  });

  it("selects nodes lying completely inside a rectangle", () => {
    expect(nodesInside(scene, { x: 90, y: 90, w: 200, h: 200 }).sort()).toEqual(["boundary", "task1"]);
    expect(nodesInside(scene, { x: 90, y: 90, w: 100, h: 100 })).toEqual([]);
  });

  it("applies pending moves and re-routes the edges of moved nodes", () => {
    const moved = buildScene(nodes, [edge("e", "task1", "inSub", { waypoints: [{ x: 220, y: 136 }, { x: 700, y: 336 }] })], [], new Map([["task1", { x: 0, y: 900 }]]));
    expect(moved.nodeById.get("task1")).toMatchObject({ x: 0, y: 900 });
    const task1 = moved.nodeById.get("task1");
    const inSub = moved.nodeById.get("inSub");
    if (!task1 || !inSub) throw new Error("missing nodes");
    expect(moved.edgeById.get("e")?.points).toEqual(routeEdge(task1, inSub));
    expect(moved.edgeById.get("e")?.points[0]).toEqual({ x: 120, y: 936 });
  });

  it("skips nodes with non-finite coordinates and edges it cannot place", () => {
    const s = buildScene([node("a", "task", Number.NaN, 0), node("b", "task", 0, 0)], [edge("e", "a", "b")], []);
    expect(s.nodes.map((n) => n.id)).toEqual(["b"]);
    expect(s.edges).toHaveLength(0);
  });
});

describe("drawScene culling", () => {
  it("draws only what intersects the area, in draw order", () => {
    const nodes = Array.from({ length: 100 }, (_, i) => node(`n${i}`, "task", (i % 10) * 200, Math.floor(i / 10) * 150));
    const edges = nodes.slice(1).map((n, i) => edge(`e${i}`, nodes[i].id, n.id));
    const scene = buildScene(nodes, edges, [{ id: "lane", name: "L", x: -50, y: -20, w: 2100, h: 1600 }]);
    const all = drawnIds(scene, { x: -100, y: -100, w: 3000, h: 3000 });
    expect(all.filter((id) => id.startsWith("n"))).toHaveLength(100);
    // A viewport around the first two columns of the first two rows.
    const some = drawnIds(scene, { x: 0, y: 0, w: 300, h: 200 });
    const drawnNodes = some.filter((id) => /^n\d+$/.test(id)).sort();
    expect(drawnNodes).toEqual(["n0", "n1", "n10", "n11"]);
    expect(some[0]).toBe("lane");
    // Edges come before the nodes they connect.
    expect(some.indexOf("e0")).toBeLessThan(some.indexOf("n0"));
    const far = drawnIds(scene, { x: 10000, y: 10000, w: 100, h: 100 });
    expect(far).toEqual([]);
  });

  it("leaves hidden (dragged) elements out", () => {
    const scene = buildScene([node("a", "task", 0, 0), node("b", "task", 300, 0)], [edge("e", "a", "b")], []);
    const ids: string[] = [];
    drawScene(new SvgContext(), scene, {
      area: { x: -50, y: -50, w: 600, h: 200 },
      lod: lodFor(1),
      text: TextLayout.estimating(),
      hidden: new Set(["a", "e"]),
      wrap: { begin: (_k, id) => ids.push(id), end: () => {} },
    });
    expect(ids).toEqual(["b"]);
  });

  it("draws no text at low zoom (level of detail)", () => {
    const scene = buildScene([node("a", "task", 0, 0, { name: "hello" })], [], []);
    const near = new SvgContext();
    drawScene(near, scene, { area: { x: -50, y: -50, w: 300, h: 200 }, lod: lodFor(1), text: TextLayout.estimating() });
    expect(near.content()).toContain(">hello</text>");
    const far = new SvgContext();
    drawScene(far, scene, { area: { x: -50, y: -50, w: 300, h: 200 }, lod: lodFor(0.2), text: TextLayout.estimating() });
    expect(far.content()).not.toContain("<text");
    expect(far.content()).toContain("<path");
  });

  it("batches bodies of one style into one path", () => {
    const nodes = Array.from({ length: 50 }, (_, i) => node(`n${i}`, "task", i * 150, 0, { name: "" }));
    const ctx = new SvgContext();
    drawScene(ctx, buildScene(nodes, [], []), { area: { x: -50, y: -50, w: 10000, h: 200 }, lod: lodFor(0.2), text: TextLayout.estimating() });
    expect(ctx.content().split("<path").length - 1).toBe(1);
  });
});
