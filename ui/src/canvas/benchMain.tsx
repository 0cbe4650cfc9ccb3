// Dev-only harness for FlowCanvas (not part of the app build): /src/canvas/bench.html?n=5000
// shows a generated flow of n nodes with working selection, moves and connections, and exposes
// window.__canvas (the handle) and window.__bench.pan(ms) (synthetic drag; returns frames/s).

import { StrictMode, useCallback, useMemo, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { FlowCanvas, type FlowCanvasHandle } from "./FlowCanvas";
import { createTextLayout } from "./canvasSupport";
import { drawDotGrid } from "./draw";
import { renderPng, renderSvg } from "./export";
import { generateFlow } from "./generate";
import { lodFor } from "./lod";
import { buildScene, drawScene } from "./scene";
import type { CanvasEdge, CanvasNode, ProblemSeverity } from "./types";

const params = new URLSearchParams(location.search);
const count = Number(params.get("n") ?? 5000);
// Optional stage size (CSS px), to compare with the app, whose canvas is smaller than the window.
const stageStyle = params.has("w") ? { right: "auto", bottom: "auto", left: 300, width: Number(params.get("w")), height: Number(params.get("h") ?? 600) } : undefined;

function Bench() {
  const initial = useMemo(() => generateFlow(count), []);
  const [nodes, setNodes] = useState<CanvasNode[]>(initial.nodes);
  const [edges, setEdges] = useState<CanvasEdge[]>(initial.edges);
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState("");
  const handle = useRef<FlowCanvasHandle>(null);
  // ?problems=0 leaves the overlay empty (no badges), to measure panning without it.
  const problems = useMemo(
    () => new Map<string, ProblemSeverity>(params.get("problems") === "0" ? [] : [["n3", "error"], ["n5", "warning"], ["e7", "error"]]),
    [],
  );
  const w = window as unknown as { __canvas?: FlowCanvasHandle | null };
  w.__canvas = handle.current;

  const onMoveNodes = useCallback((moves: { id: string; x: number; y: number }[]) => {
    const byId = new Map(moves.map((m) => [m.id, m]));
    setNodes((ns) => ns.map((n) => (byId.has(n.id) ? { ...n, x: byId.get(n.id)!.x, y: byId.get(n.id)!.y } : n)));
    setStatus(`moved ${moves.length}`);
  }, []);

  return (
    <>
      <div id="bar">
        <span>{count} nodes</span>
        <span>{selection.size} selected</span>
        <span>{status}</span>
        <button onClick={() => handle.current?.fitView()}>fit</button>
      </div>
      <div id="stage" style={stageStyle}>
        <FlowCanvas
          ref={(h) => {
            handle.current = h;
            w.__canvas = h;
          }}
          nodes={nodes}
          edges={edges}
          lanes={initial.lanes}
          selection={selection}
          problems={problems}
          onSelectionChange={(ids) => setSelection(new Set(ids))}
          onMoveNodes={onMoveNodes}
          onConnect={(s, t) =>
            setEdges((es) => [...es, { id: `c${es.length}`, kind: "sequenceFlow", source: s, target: t, name: "", waypoints: [] }])
          }
          onActivate={(id) => setStatus(`activate ${id}`)}
          onContextMenu={(id) => setStatus(`menu ${id ?? "canvas"}`)}
          ariaLabel="flow"
        />
      </div>
    </>
  );
}

/** A synthetic steady drag across the canvas centre for `ms` milliseconds; resolves to frames per second. */
async function pan(ms = 2000): Promise<{ fps: number; redraws: number }> {
  const el = document.querySelector<HTMLElement>("[data-testid=flow-canvas]");
  if (!el) throw new Error("no canvas");
  const r = el.getBoundingClientRect();
  const x0 = r.left + r.width / 2;
  const y0 = r.top + r.height / 2;
  const opts = (x: number, y: number, buttons: number) => ({ clientX: x, clientY: y, bubbles: true, pointerId: 1, isPrimary: true, button: 0, buttons });
  el.dispatchEvent(new PointerEvent("pointerdown", opts(x0, y0, 1)));
  const before = (window as unknown as { __canvas: FlowCanvasHandle }).__canvas.redrawCount();
  let frames = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const step = () => {
      const t = performance.now() - t0;
      frames++;
      const dx = Math.sin(t / 300) * 300;
      el.dispatchEvent(new PointerEvent("pointermove", opts(x0 + dx, y0 + dx / 3, 1)));
      if (t < ms) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });
  el.dispatchEvent(new PointerEvent("pointerup", opts(x0, y0, 0)));
  const elapsed = performance.now() - t0;
  const redraws = (window as unknown as { __canvas: FlowCanvasHandle }).__canvas.redrawCount() - before;
  return { fps: (frames * 1000) / elapsed, redraws };
}

/**
 * Milliseconds to render the whole visible scene (what a full cache render costs) at `zoom`,
 * into an offscreen canvas of the stage's size, averaged over `runs`.
 */
function renderTime(zoom: number, runs = 5, lodOverride: Partial<ReturnType<typeof lodFor>> = {}, dots = true): number {
  const el = document.querySelector<HTMLElement>("[data-testid=flow-canvas]");
  if (!el) throw new Error("no canvas");
  const { nodes, edges, lanes } = generateFlow(count);
  const scene = buildScene(nodes, edges, lanes);
  const text = createTextLayout();
  const canvas = document.createElement("canvas");
  const dpr = window.devicePixelRatio || 1;
  canvas.width = el.clientWidth * dpr;
  canvas.height = el.clientHeight * dpr;
  const ctx = canvas.getContext("2d", { alpha: false });
  if (!ctx) throw new Error("no 2d");
  const area = { x: 0, y: 0, w: el.clientWidth / zoom, h: el.clientHeight / zoom };
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    ctx.setTransform(zoom * dpr, 0, 0, zoom * dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, area.w, area.h);
    if (dots) drawDotGrid(ctx, area, zoom);
    drawScene(ctx, scene, { area, lod: { ...lodFor(zoom), ...lodOverride }, text });
  }
  // Reading a pixel waits for the drawing to finish where it is deferred.
  ctx.getImageData(0, 0, 1, 1);
  return (performance.now() - t0) / runs;
}

/** Milliseconds to build the scene (index, routes) for the generated flow, averaged over `runs`. */
function buildTime(runs = 5): number {
  const { nodes, edges, lanes } = generateFlow(count);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) buildScene(nodes, edges, lanes);
  return (performance.now() - t0) / runs;
}

/** Exports the generated flow: [PNG type, PNG bytes, SVG characters] (checks the export paths in a real browser). */
async function exports(scale = 1): Promise<[string, number, number]> {
  const { nodes, edges, lanes } = generateFlow(count);
  const png = await renderPng(nodes, edges, lanes, scale);
  return [png.type, png.size, renderSvg(nodes, edges, lanes).length];
}

(window as unknown as { __bench: unknown }).__bench = { pan, renderTime, buildTime, exports };

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <Bench />
  </StrictMode>,
);
