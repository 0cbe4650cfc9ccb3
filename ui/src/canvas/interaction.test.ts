import { beforeEach, describe, expect, it } from "vitest";
import { Interaction, type InteractionHost, type NodeMove, type PointerInput } from "./interaction";
import { buildScene, type Scene } from "./scene";
import { TextLayout } from "./text";
import { edge, node } from "./testFlows";
import type { Point, Rect, Viewport } from "./types";

class Host implements InteractionHost {
  v: Viewport = { x: 0, y: 0, zoom: 1 };
  sel = new Set<string>();
  ro = false;
  selections: string[][] = [];
  moves: NodeMove[][] = [];
  resizable = true;
  resizes: [string, Rect][] = [];
  routable = true;
  routes: [string, Point[]][] = [];
  connections: [string, string][] = [];
  constructor(public s: Scene) {}
  scene() { return this.s; }
  viewport() { return this.v; }
  setViewport(v: Viewport) { this.v = v; }
  selection() { return this.sel; }
  readOnly() { return this.ro; }
  text() { return TextLayout.estimating(); }
  select(ids: string[]) { this.selections.push(ids); this.sel = new Set(ids); }
  moveNodes(m: NodeMove[]) { this.moves.push(m); }
  canResize() { return this.resizable; }
  resizeNode(id: string, r: Rect) { this.resizes.push([id, r]); }
  canRoute() { return this.routable; }
  routeEdge(id: string, points: Point[]) { this.routes.push([id, points]); }
  connect(s: string, t: string) { this.connections.push([s, t]); }
  changed() {}
}

const p = (x: number, y: number, mods: Partial<PointerInput> = {}): PointerInput => ({ x, y, button: 0, shift: false, ctrl: false, meta: false, ...mods });

function drag(ix: Interaction, from: [number, number], to: [number, number], mods: Partial<PointerInput> = {}) {
  ix.pointerDown(p(from[0], from[1], mods));
  const steps = 5;
  for (let i = 1; i <= steps; i++) ix.pointerMove(p(from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps, mods));
  ix.pointerUp(p(to[0], to[1], mods));
}

describe("Interaction", () => {
  let host: Host;
  let ix: Interaction;
  beforeEach(() => {
    const scene = buildScene(
      [
        node("a", "task", 100, 100),
        node("b", "task", 400, 100),
        node("c", "userTask", 100, 300),
        node("grp", "group", 600, 300, { w: 300, h: 200 }),
        node("inGrp", "task", 650, 350),
      ],
      [edge("e", "a", "b")],
      [{ id: "lane", name: "L", x: 0, y: 0, w: 1000, h: 600 }],
    );
    host = new Host(scene);
    ix = new Interaction(host);
  });

  it("selects the clicked node, toggles with modifiers, clears on empty canvas", () => {
    ix.pointerDown(p(150, 130));
    ix.pointerUp(p(150, 130));
    expect(host.sel).toEqual(new Set(["a"]));
    ix.pointerDown(p(450, 130, { shift: true }));
    ix.pointerUp(p(450, 130, { shift: true }));
    expect(host.sel).toEqual(new Set(["a", "b"]));
    ix.pointerDown(p(150, 130, { ctrl: true }));
    ix.pointerUp(p(150, 130, { ctrl: true }));
    expect(host.sel).toEqual(new Set(["b"]));
    ix.pointerDown(p(300, 500));
    ix.pointerUp(p(300, 500));
    expect(host.sel).toEqual(new Set());
  });

  it("selects edges and lanes by click", () => {
    ix.pointerDown(p(300, 136));
    ix.pointerUp(p(300, 136));
    expect(host.sel).toEqual(new Set(["e"]));
    ix.pointerDown(p(10, 300));
    ix.pointerUp(p(10, 300));
    expect(host.sel).toEqual(new Set(["lane"]));
  });

  it("drags a node: one move at the end, snapped to the grid", () => {
    drag(ix, [150, 130], [183, 171]);
    expect(host.moves).toEqual([[{ id: "a", x: 130, y: 140 }]]);
    expect(host.sel).toEqual(new Set(["a"]));
  });

  it("drags the whole selection by the same snapped amount, at any zoom", () => {
    host.v = { x: 0, y: 0, zoom: 0.5 };
    host.sel = new Set(["a", "c"]);
    // At zoom 0.5 the nodes are at half their flow coordinates on screen.
    drag(ix, [75, 65], [100, 65]);
    expect(host.moves).toHaveLength(1);
    const moves = new Map(host.moves[0].map((m) => [m.id, m]));
    expect(moves.get("a")).toEqual({ id: "a", x: 150, y: 100 });
    expect(moves.get("c")).toEqual({ id: "c", x: 150, y: 300 });
  });

  it("moves a group together with the nodes inside it", () => {
    drag(ix, [600, 400], [640, 400]);
    expect(host.moves).toHaveLength(1);
    expect(host.moves[0].map((m) => m.id).sort()).toEqual(["grp", "inGrp"]);
    expect(host.moves[0].find((m) => m.id === "inGrp")).toEqual({ id: "inGrp", x: 690, y: 350 });
  });

  it("does not report a move for a click or a drag that snaps back", () => {
    drag(ix, [150, 130], [152, 131]);
    drag(ix, [150, 130], [153, 133]);
    expect(host.moves).toEqual([]);
  });

  it("pans when dragging empty canvas, or anything in read-only mode", () => {
    drag(ix, [300, 500], [340, 450]);
    expect(host.v).toEqual({ x: 40, y: -50, zoom: 1 });
    host.ro = true;
    drag(ix, [150, 130], [160, 130]);
    expect(host.moves).toEqual([]);
    expect(host.v).toEqual({ x: 50, y: -50, zoom: 1 });
  });

  it("selects the nodes completely inside a shift-dragged rubber band", () => {
    drag(ix, [90, 90], [560, 200], { shift: true });
    expect(host.sel).toEqual(new Set(["a", "b"]));
    expect(host.v).toEqual({ x: 0, y: 0, zoom: 1 });
  });

  it("connects from a handle of the hovered node to another node", () => {
    ix.pointerMove(p(150, 130));
    expect(ix.hover).toBe("a");
    // The right handle of a is at (220, 136).
    drag(ix, [220, 136], [450, 130]);
    expect(host.connections).toEqual([["a", "b"]]);
    expect(host.moves).toEqual([]);
  });

  it("does not connect when dropped on empty canvas or on the source itself", () => {
    ix.pointerMove(p(150, 130));
    drag(ix, [220, 136], [300, 500]);
    ix.pointerMove(p(150, 130));
    drag(ix, [220, 136], [150, 130]);
    expect(host.connections).toEqual([]);
  });

  it("shows handles only on nodes big enough on screen, and never when read-only", () => {
    ix.pointerMove(p(150, 130));
    expect(ix.handleNodes().map((n) => n.id)).toEqual(["a"]);
    host.v = { x: 0, y: 0, zoom: 0.2 };
    expect(ix.handleNodes()).toEqual([]);
    host.v = { x: 0, y: 0, zoom: 1 };
    host.ro = true;
    expect(ix.handleNodes()).toEqual([]);
  });

  it("cancels a drag without committing anything", () => {
    ix.pointerDown(p(150, 130));
    ix.pointerMove(p(200, 200));
    expect(ix.drag()).not.toBeNull();
    ix.cancel();
    ix.pointerUp(p(200, 200));
    expect(host.moves).toEqual([]);
  });
});

describe("Interaction: resizing", () => {
  let host: Host;
  let ix: Interaction;
  beforeEach(() => {
    const scene = buildScene(
      [
        node("a", "task", 100, 100),
        node("b", "task", 400, 100),
        node("gw", "exclusiveGateway", 100, 300),
        node("ev", "startEvent", 300, 300),
        node("sub", "subProcess", 600, 300, { w: 300, h: 200 }),
        node("inSub", "task", 650, 350),
        node("pool", "pool", 0, 600, { w: 900, h: 400 }),
        node("note", "textAnnotation", 400, 300, { w: 120, h: 40 }),
      ],
      [edge("e", "a", "b")],
      [
        { id: "l1", name: "L1", x: 30, y: 600, w: 870, h: 150 },
        { id: "l2", name: "L2", x: 30, y: 750, w: 870, h: 250 },
      ],
    );
    host = new Host(scene);
    ix = new Interaction(host);
  });

  it("shows resize handles only on the one selected resizable node of an editable canvas", () => {
    host.sel = new Set(["a"]);
    expect(ix.resizeHandles()).toEqual({ rect: { x: 100, y: 100, w: 120, h: 72 }, active: null });
    for (const id of ["gw", "ev", "e", "l1"]) {
      host.sel = new Set([id]);
      expect(ix.resizeHandles()).toBeNull();
    }
    for (const id of ["sub", "pool", "note"]) {
      host.sel = new Set([id]);
      expect(ix.resizeTarget()?.id).toBe(id);
    }
    host.sel = new Set(["a", "b"]);
    expect(ix.resizeHandles()).toBeNull();
    host.sel = new Set(["a"]);
    host.ro = true;
    expect(ix.resizeHandles()).toBeNull();
    host.ro = false;
    host.resizable = false;
    expect(ix.resizeHandles()).toBeNull();
    host.resizable = true;
    // Too small on screen: the handles would cover the node.
    host.v = { x: 0, y: 0, zoom: 0.2 };
    expect(ix.resizeHandles()).toBeNull();
  });

  it("resizes from the bottom-right handle: one resize at the end, the corner snapped", () => {
    host.sel = new Set(["a"]);
    // The bottom-right corner of a is at (220, 172).
    drag(ix, [220, 172], [263, 219]);
    expect(host.resizes).toEqual([["a", { x: 100, y: 100, w: 160, h: 120 }]]);
    expect(host.moves).toEqual([]);
    expect(host.sel).toEqual(new Set(["a"]));
  });

  it("resizes from the top-left handle, keeping the opposite corner, at any zoom", () => {
    host.sel = new Set(["a"]);
    host.v = { x: 0, y: 0, zoom: 0.5 };
    // The top-left corner is at (50, 50) on screen; 20 px left and up is 40 flow units.
    drag(ix, [50, 50], [30, 30]);
    expect(host.resizes).toEqual([["a", { x: 60, y: 60, w: 160, h: 112 }]]);
  });

  it("follows the pointer live and keeps a minimum size", () => {
    host.sel = new Set(["a"]);
    ix.pointerDown(p(220, 100));
    ix.pointerMove(p(260, 80));
    expect(ix.resizing()).toEqual({ id: "a", rect: { x: 100, y: 80, w: 160, h: 92 }, moving: new Set(["a"]) });
    expect(ix.resizeHandles()).toEqual({ rect: { x: 100, y: 80, w: 160, h: 92 }, active: "ne" });
    // Far past the opposite corner: tasks stop at 40 × 30.
    ix.pointerMove(p(0, 400));
    expect(ix.resizing()?.rect).toEqual({ x: 100, y: 142, w: 40, h: 30 });
    ix.pointerUp(p(0, 400));
    expect(host.resizes).toEqual([["a", { x: 100, y: 142, w: 40, h: 30 }]]);
  });

  it("does not shrink a sub-process or pool past what it holds, nor a lane along the moved side below 60", () => {
    host.sel = new Set(["sub"]);
    // inSub spans 650..770 × 350..422; 10 units are kept around it.
    drag(ix, [900, 500], [600, 300]);
    expect(host.resizes.at(-1)).toEqual(["sub", { x: 600, y: 300, w: 180, h: 132 }]);
    host.sel = new Set(["pool"]);
    // Lane l2 lies along the bottom side: it keeps 60 of its 250.
    drag(ix, [900, 1000], [900, 600]);
    expect(host.resizes.at(-1)).toEqual(["pool", { x: 0, y: 600, w: 900, h: 210 }]);
  });

  it("reports nothing for a press on a handle without a drag, or a drag back to the start", () => {
    host.sel = new Set(["a"]);
    drag(ix, [220, 172], [221, 173]);
    drag(ix, [220, 172], [222, 168]);
    expect(host.resizes).toEqual([]);
    expect(host.sel).toEqual(new Set(["a"]));
  });

  it("cancels a resize without committing anything", () => {
    host.sel = new Set(["a"]);
    ix.pointerDown(p(220, 172));
    ix.pointerMove(p(300, 250));
    expect(ix.resizing()).not.toBeNull();
    ix.cancel();
    expect(ix.resizing()).toBeNull();
    ix.pointerUp(p(300, 250));
    expect(host.resizes).toEqual([]);
  });

  it("shows resize cursors over the handles and while resizing", () => {
    host.sel = new Set(["a"]);
    ix.pointerMove(p(222, 170));
    expect(ix.hoverCorner).toBe("se");
    expect(ix.cursor()).toBe("nwse-resize");
    ix.pointerMove(p(100, 172));
    expect(ix.cursor()).toBe("nesw-resize");
    ix.pointerMove(p(150, 130));
    expect(ix.cursor()).toBe("move");
    ix.pointerDown(p(100, 100));
    ix.pointerMove(p(80, 80));
    expect(ix.cursor()).toBe("nwse-resize");
    ix.pointerUp(p(80, 80));
    host.sel = new Set(["gw"]);
    ix.pointerMove(p(100, 300));
    expect(ix.cursor()).not.toMatch(/resize/);
  });

  it("pans instead when a gateway's or event's corner is dragged", () => {
    host.sel = new Set(["gw"]);
    drag(ix, [100, 300], [60, 260]);
    host.sel = new Set(["ev"]);
    drag(ix, [336, 336], [360, 360]);
    expect(host.resizes).toEqual([]);
    expect(host.moves).toEqual([]);
  });
});

describe("Interaction: editing a route", () => {
  let host: Host;
  let ix: Interaction;
  // The automatic route of e: out of a's right side, an elbow pair at x 310, into b's left side.
  const auto = [{ x: 220, y: 136 }, { x: 310, y: 136 }, { x: 310, y: 286 }, { x: 400, y: 286 }];
  beforeEach(() => {
    const scene = buildScene(
      [node("a", "task", 100, 100), node("b", "task", 400, 250), node("c", "task", 100, 400)],
      [
        edge("e", "a", "b"),
        edge("w", "a", "c", { waypoints: [{ x: 160, y: 172 }, { x: 160, y: 250 }, { x: 60, y: 250 }, { x: 60, y: 436 }, { x: 100, y: 436 }] }),
      ],
      [],
    );
    host = new Host(scene);
    ix = new Interaction(host);
  });

  it("shows route handles only on the one selected edge of an editable canvas", () => {
    host.sel = new Set(["e"]);
    expect(ix.routeHandles()).toEqual({ points: auto, active: null, middles: true });
    host.sel = new Set(["w"]);
    expect(ix.routeHandles()?.points).toHaveLength(5);
    for (const sel of [[], ["a"], ["e", "w"], ["e", "a"]]) {
      host.sel = new Set(sel);
      expect(ix.routeHandles()).toBeNull();
    }
    host.sel = new Set(["e"]);
    host.ro = true;
    expect(ix.routeHandles()).toBeNull();
    host.ro = false;
    host.routable = false;
    expect(ix.routeHandles()).toBeNull();
  });

  it("moves a bend point: one route at the end, snapped, into line with a neighbour, the end on the border", () => {
    host.sel = new Set(["e"]);
    ix.pointerMove(p(311, 137));
    expect(ix.hoverRoute).toEqual({ kind: "bend", index: 1 });
    expect(ix.cursor()).toBe("move");
    // x snaps to the grid; y is 2 from the source end's: into line with it.
    drag(ix, [310, 136], [353, 138]);
    expect(host.routes).toEqual([["e", [{ x: 220, y: 136 }, { x: 350, y: 136 }, { x: 310, y: 286 }, { x: 400, y: 286 }]]]);
    // The second bend, dragged into b's height: the target end follows it straight across.
    host.routes = [];
    drag(ix, [310, 286], [343, 308]);
    expect(host.routes).toEqual([["e", [{ x: 220, y: 136 }, { x: 310, y: 136 }, { x: 340, y: 310 }, { x: 400, y: 310 }]]]);
    expect(host.moves).toEqual([]);
    expect(host.sel).toEqual(new Set(["e"]));
  });

  it("follows the pointer live and keeps the handles on the live route", () => {
    host.sel = new Set(["e"]);
    ix.pointerDown(p(310, 286));
    expect(ix.routing()).toBeNull();
    ix.pointerMove(p(330, 300));
    expect(ix.routing()).toEqual({ id: "e", points: [auto[0], auto[1], { x: 330, y: 300 }, { x: 400, y: 300 }], moving: new Set(["e"]) });
    expect(ix.routeHandles()).toEqual({ points: ix.routing()?.points, active: { kind: "bend", index: 2 }, middles: false });
    ix.pointerUp(p(330, 300));
    expect(ix.routing()).toBeNull();
    expect(host.routes).toHaveLength(1);
  });

  it("inserts a bend point from a segment's middle handle", () => {
    host.sel = new Set(["e"]);
    // The middle of the vertical segment is (310, 211).
    ix.pointerMove(p(310, 212));
    expect(ix.hoverRoute).toEqual({ kind: "mid", index: 1 });
    drag(ix, [310, 211], [262, 214]);
    expect(host.routes).toEqual([["e", [auto[0], auto[1], { x: 260, y: 210 }, auto[2], auto[3]]]]);
  });

  it("inserts the first bend point of a straight edge, moving both ends onto the borders facing it", () => {
    host.s = buildScene([node("a", "task", 100, 100), node("b", "task", 400, 100)], [edge("e", "a", "b")], []);
    host.sel = new Set(["e"]);
    // (220, 136) → (400, 136); its middle (310, 136) dragged up 60 into the space above both tasks.
    drag(ix, [310, 136], [310, 76]);
    // Diagonally up: each end on the line towards its node's centre.
    expect(host.routes).toEqual([["e", [{ x: 220, y: 113.6 }, { x: 310, y: 80 }, { x: 400, y: 113.6 }]]]);
  });

  it("removes a bend point dragged onto the straight line between its neighbours, or onto a neighbour", () => {
    host.sel = new Set(["w"]);
    // The bend at (60, 436) dragged near the middle of the line from (60, 250) to the end (100, 436).
    drag(ix, [60, 436], [81, 342]);
    expect(host.routes).toEqual([["w", [{ x: 160, y: 172 }, { x: 160, y: 250 }, { x: 60, y: 250 }, { x: 100, y: 436 }]]]);
    // A bend dragged onto its neighbour.
    host.routes = [];
    drag(ix, [160, 250], [62, 252]);
    expect(host.routes).toEqual([["w", [{ x: 160, y: 172 }, { x: 60, y: 250 }, { x: 60, y: 436 }, { x: 100, y: 436 }]]]);
    // A neighbour left in line: e's second bend dragged up to the first one's level.
    host.routes = [];
    host.sel = new Set(["e"]);
    drag(ix, [310, 286], [360, 138]);
    expect(host.routes).toEqual([["e", [{ x: 220, y: 136 }, { x: 360, y: 136 }, { x: 436, y: 250 }]]]);
  });

  it("reports nothing for a click on a handle, a middle handle barely moved, or a drag back", () => {
    host.sel = new Set(["e"]);
    drag(ix, [310, 136], [311, 137]);
    // Less than 4 px off the segment: the new point would be in line, so it is not added.
    drag(ix, [310, 211], [313, 216]);
    ix.pointerDown(p(310, 136));
    ix.pointerMove(p(330, 160));
    ix.pointerMove(p(310, 136));
    ix.pointerUp(p(310, 136));
    expect(host.routes).toEqual([]);
    expect(host.sel).toEqual(new Set(["e"]));
  });

  it("cancels a route drag without committing anything", () => {
    host.sel = new Set(["e"]);
    ix.pointerDown(p(310, 286));
    ix.pointerMove(p(350, 320));
    expect(ix.routing()).not.toBeNull();
    ix.cancel();
    expect(ix.routing()).toBeNull();
    ix.pointerUp(p(350, 320));
    expect(host.routes).toEqual([]);
  });

  it("pans instead over the bend points of an unselected edge or when read-only", () => {
    host.sel = new Set(["a"]);
    drag(ix, [310, 286], [340, 316]);
    host.sel = new Set(["e"]);
    host.ro = true;
    drag(ix, [310, 286], [340, 316]);
    expect(host.routes).toEqual([]);
    expect(host.v).toEqual({ x: 60, y: 60, zoom: 1 });
  });
});
