import { describe, expect, it } from "vitest";
import { pngScale, renderSvg } from "./export";
import { generateFlow } from "./generate";
import { SvgContext, escapeXml } from "./svgContext";
import { kitchenSink, node } from "./testFlows";
import type { CanvasNode } from "./types";

function parse(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  const error = doc.getElementsByTagName("parsererror")[0];
  if (error) throw new Error(`not well-formed: ${error.textContent}`);
  return doc;
}

function compact(s: string): string {
  return s.replace(/\s+/g, "").replace(/…/g, "");
}

function groupOf(doc: Document, id: string): Element | undefined {
  return Array.from(doc.querySelectorAll("g[data-element-id]")).find((g) => g.getAttribute("data-element-id") === id);
}

describe("renderSvg", () => {
  it("is well-formed and has one group with a shape and the name for every node", () => {
    const { nodes, edges, lanes } = kitchenSink();
    const doc = parse(renderSvg(nodes, edges, lanes));
    expect(doc.documentElement.tagName).toBe("svg");
    const groups = doc.querySelectorAll('g[data-element-kind="node"]');
    expect(groups.length).toBe(nodes.length);
    for (const n of nodes) {
      const g = groupOf(doc, n.id);
      expect(g, n.id).toBeDefined();
      expect(g?.getAttribute("data-kind")).toBe(n.kind);
      // The first child is the body outline.
      expect(g?.firstElementChild?.tagName, n.id).toBe("path");
      expect(g?.firstElementChild?.getAttribute("d"), n.id).toMatch(/^M/);
      // Names come back whole once wrapped lines are joined (XML specials escaped and decoded).
      const text = Array.from(g?.querySelectorAll("text") ?? []).map((t) => t.textContent).join("");
      expect(compact(text), n.id).toBe(compact(n.name));
    }
  });

  it("draws every edge and lane, edges with their names", () => {
    const { nodes, edges, lanes } = kitchenSink();
    const doc = parse(renderSvg(nodes, edges, lanes));
    expect(doc.querySelectorAll('g[data-element-kind="edge"]').length).toBe(edges.length);
    expect(doc.querySelectorAll('g[data-element-kind="lane"]').length).toBe(lanes.length);
    const f1 = groupOf(doc, "f1");
    expect(f1?.querySelector("text")?.textContent).toBe("seq & <flow>");
    // The message flow is dashed; the association dotted; the sequence flow solid with a filled head.
    expect(groupOf(doc, "f4")?.querySelector("path")?.getAttribute("stroke-dasharray")).toBe("6 4");
    expect(groupOf(doc, "f5")?.querySelector("path")?.getAttribute("stroke-dasharray")).toBe("1 3.5");
    const seqPaths = Array.from(f1?.querySelectorAll("path") ?? []);
    expect(seqPaths.some((p) => p.getAttribute("fill") === "#3d4a5c")).toBe(true);
    expect(seqPaths[0].getAttribute("stroke-dasharray")).toBeNull();
  });

  it("draws pools and lanes before the nodes inside them, and edges before tasks", () => {
    const { nodes, edges, lanes } = kitchenSink();
    const doc = parse(renderSvg(nodes, edges, lanes));
    const order = Array.from(doc.querySelectorAll("g[data-element-id]")).map((g) => g.getAttribute("data-element-id"));
    expect(order.indexOf("pool")).toBeLessThan(order.indexOf("laneA"));
    expect(order.indexOf("laneA")).toBeLessThan(order.indexOf("grp"));
    expect(order.indexOf("grp")).toBeLessThan(order.indexOf("evsub"));
    expect(order.indexOf("evsub")).toBeLessThan(order.indexOf("f1"));
    expect(order.indexOf("f7")).toBeLessThan(order.indexOf("inpool"));
    expect(order.indexOf("inpool")).toBeLessThan(order.indexOf("nonint"));
  });

  it("sizes the document to the flow plus the margin", () => {
    const n: CanvasNode = node("a", "task", 100, 200, { name: "" });
    const doc = parse(renderSvg([n], [], [], { margin: 10 }));
    const [x, y, w, h] = (doc.documentElement.getAttribute("viewBox") ?? "").split(" ").map(Number);
    // The visual bounds include a stroke margin of 12 around the 120 × 72 box.
    expect(x).toBe(100 - 12 - 10);
    expect(y).toBe(200 - 12 - 10);
    expect(w).toBe(120 + 24 + 20);
    expect(h).toBe(72 + 24 + 20);
  });

  it("drops characters XML cannot carry and stays well-formed", () => {
    const bad = node("a", "task", 0, 0, { name: "bell\u0007 and lone \ud800 surrogate ]]> <!-- x" });
    const doc = parse(renderSvg([bad], [], []));
    expect(doc.querySelector("text")?.textContent).toContain("bell");
  });

  it("exports a generated 1,000-node flow well-formed, one node group per node", () => {
    const { nodes, edges, lanes } = generateFlow(1000);
    const doc = parse(renderSvg(nodes, edges, lanes, { background: false }));
    expect(doc.querySelectorAll('g[data-element-kind="node"]').length).toBe(1000);
    expect(doc.querySelectorAll('g[data-element-kind="edge"]').length).toBe(edges.length);
  });

  it("renders an empty flow as a valid, tiny document", () => {
    const doc = parse(renderSvg([], [], []));
    expect(doc.querySelectorAll("g").length).toBe(0);
  });
});

describe("SvgContext", () => {
  it("writes a full circle as two arcs and merges fill and stroke into one element", () => {
    const ctx = new SvgContext();
    ctx.beginPath();
    ctx.moveTo(20, 10);
    ctx.arc(10, 10, 10, 0, Math.PI * 2);
    ctx.fillStyle = "#fff";
    ctx.fill();
    ctx.strokeStyle = "rgba(10, 20, 30, 0.5)";
    ctx.lineWidth = 2;
    ctx.stroke();
    const out = ctx.content();
    expect(out.split("<path").length - 1).toBe(1);
    expect(out.match(/A10 10/g)?.length).toBe(2);
    expect(out).toContain('stroke="rgb(10,20,30)"');
    expect(out).toContain('stroke-opacity="0.5"');
  });

  it("applies translate, rotate and scale to points, widths and text", () => {
    const ctx = new SvgContext();
    ctx.translate(100, 50);
    ctx.scale(2, 2);
    ctx.beginPath();
    ctx.moveTo(0, 0);
    ctx.lineTo(10, 0);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = "#000";
    ctx.stroke();
    expect(ctx.content()).toContain('d="M100 50L120 50"');
    expect(ctx.content()).toContain('stroke-width="3"');
    ctx.rotate(-Math.PI / 2);
    ctx.font = "600 12px Sans";
    ctx.fillStyle = "#123";
    ctx.fillText("x<y", 0, 0);
    expect(ctx.content()).toContain("transform=\"matrix(0 -2 2 0 100 50)\"");
    expect(ctx.content()).toContain('font-weight="600"');
    expect(ctx.content()).toContain(">x&lt;y</text>");
  });

  it("restores state saved before a transform", () => {
    const ctx = new SvgContext();
    ctx.save();
    ctx.translate(5, 5);
    ctx.restore();
    ctx.beginPath();
    ctx.rect(0, 0, 1, 1);
    ctx.fillStyle = "#000";
    ctx.fill();
    expect(ctx.content()).toContain('d="M0 0L1 0L1 1L0 1Z"');
  });
});

describe("escapeXml", () => {
  it("escapes the five specials", () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  });
});

describe("pngScale", () => {
  it("keeps the scale for ordinary flows and reduces it beyond browser canvas limits", () => {
    expect(pngScale({ x: 0, y: 0, w: 1000, h: 800 }, 2)).toBe(2);
    const s = pngScale({ x: 0, y: 0, w: 40000, h: 3000 }, 2);
    expect(40000 * s).toBeLessThanOrEqual(16384);
    const big = pngScale({ x: 0, y: 0, w: 15000, h: 15000 }, 1);
    expect(15000 * 15000 * big * big).toBeLessThanOrEqual(128 * 1024 * 1024 + 1);
  });
});
