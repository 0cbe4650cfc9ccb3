import { describe, expect, it } from "vitest";
import type { WireFlowView } from "./model";
import { makeLane, makeNode, normalizePatch, normalizeView } from "./model";

describe("normalizing boundary data", () => {
  it("fills coordinates and sizes the core sent as null", () => {
    const view = {
      documentId: "d",
      nodes: [{ id: "n", kind: "exclusiveGateway", name: "ok?", x: null, y: 12, w: null, h: null }],
      edges: [],
      lanes: [{ id: "l", name: "Risk", y: null, h: null }],
      canUndo: false,
      canRedo: false,
    } as unknown as WireFlowView;
    const v = normalizeView(view);
    // Fields a newer core adds but this one left out read as absent (null).
    expect(v.nodes[0]).toEqual(makeNode({ id: "n", kind: "exclusiveGateway", name: "ok?", x: 0, y: 12, w: 50, h: 50 }));
    expect(v.lanes[0]).toEqual(makeLane("l", "Risk", 0, 180));
    const p = normalizePatch({ nodes: view.nodes, removedNodes: ["x"], edges: [], removedEdges: [], lanes: [], removedLanes: [] });
    expect(p.nodes[0].w).toBe(50);
    expect(p.removedNodes).toEqual(["x"]);
  });
});
