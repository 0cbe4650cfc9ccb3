import { describe, expect, it } from "vitest";
import { handleAt, hitTest } from "./hitTest";
import { buildScene } from "./scene";
import { TextLayout } from "./text";
import { edge, node } from "./testFlows";

const text = TextLayout.estimating();

describe("hitTest", () => {
  const nodes = [
    node("pool", "pool", 0, 0, { w: 1500, h: 800 }),
    node("grp", "group", 600, 400, { w: 300, h: 300 }),
    node("sub", "subProcess", 1000, 400, { w: 400, h: 300 }),
    node("task", "task", 100, 100),
    node("bnd", "boundaryEvent", 200, 154),
    node("gw", "exclusiveGateway", 400, 111),
    node("inSub", "task", 1100, 500),
  ];
  const edges = [edge("e1", "task", "gw", { name: "yes" })];
  const lanes = [{ id: "lane", name: "Lane", x: 30, y: 0, w: 1470, h: 800 }];
  const scene = buildScene(nodes, edges, lanes);
  const at = (x: number, y: number, zoom = 1) => hitTest(scene, { x, y }, zoom, text);

  it("finds nodes by their shape, boundary events above their activity", () => {
    expect(at(150, 130)).toEqual({ kind: "node", id: "task" });
    expect(at(218, 172)).toEqual({ kind: "node", id: "bnd" });
    expect(at(425, 136)).toEqual({ kind: "node", id: "gw" });
  });

  it("finds a node by its name drawn below it", () => {
    // The gateway's name "gw" is drawn centred under it.
    expect(at(425, 170)).toEqual({ kind: "node", id: "gw" });
  });

  it("finds edges within a tolerance that grows when zoomed out", () => {
    // e1 runs horizontally at y = 136 from x = 220 to the gateway.
    expect(at(300, 139)).toEqual({ kind: "edge", id: "e1" });
    expect(at(300, 150)).toBeNull();
    expect(at(300, 150, 0.25)).toEqual({ kind: "edge", id: "e1" });
  });

  it("treats lane and pool bodies as empty canvas, their header strips as the lane or pool", () => {
    expect(at(300, 500)).toBeNull();
    expect(at(40, 300)).toEqual({ kind: "lane", id: "lane" });
    expect(at(10, 300)).toEqual({ kind: "node", id: "pool" });
    expect(at(1500, 300)).toEqual({ kind: "node", id: "pool" });
  });

  it("hits groups on their border only, expanded sub-processes anywhere inside", () => {
    expect(at(600, 550)).toEqual({ kind: "node", id: "grp" });
    expect(at(750, 600)).toBeNull();
    expect(at(1300, 650)).toEqual({ kind: "node", id: "sub" });
    expect(at(1150, 530)).toEqual({ kind: "node", id: "inSub" });
  });
});

describe("handleAt", () => {
  it("finds the handle under the pointer on the four side midpoints", () => {
    const t = node("t", "task", 0, 0);
    expect(handleAt([t], { x: 121, y: 37 }, 1)?.side).toBe("right");
    expect(handleAt([t], { x: 60, y: -2 }, 1)?.side).toBe("top");
    expect(handleAt([t], { x: 60, y: 36 }, 1)).toBeNull();
    // The grab radius is in screen pixels.
    expect(handleAt([t], { x: 60, y: -20 }, 1)).toBeNull();
    expect(handleAt([t], { x: 60, y: -20 }, 0.25)?.side).toBe("top");
    expect(handleAt([node("p", "pool", 0, 0, { w: 100, h: 100 })], { x: 0, y: 50 }, 1)).toBeNull();
  });
});
