// <FlowCanvas>: the BPMN business-flow canvas drawn on one HTML <canvas> (2D context).
//
// Why not DOM/SVG: with one DOM subtree per element, panning a 5,000-element flow in
// WebKitGTK with software rendering runs at ~37 frames/s under @xyflow/react; the browser
// re-lays out and repaints thousands of elements per frame. Here the cost of a frame does not
// grow with the flow:
//
// 1. Culling. The scene (scene.ts) keeps nodes and edges in uniform-grid spatial indexes
//    (spatialIndex.ts), keyed by draw order. Drawing queries the visible area only, and hit
//    testing queries a few cells around the pointer.
// 2. Level of detail (lod.ts). Names disappear below zoom 0.4, edge names below 0.5, markers
//    and icons below 0.3, arrowheads and rounded corners below 0.18: the costly parts go first
//    when many elements are visible. Pool and lane names never go: they are few, and are drawn
//    at least 11 px tall on screen while some of the name fits the band. Node bodies of one style share one path, edges of one
//    style another, so a zoomed-out frame is a few dozen fill/stroke calls, not thousands.
// 3. A bitmap cache (bitmapCache.ts). The static scene is rendered into an offscreen bitmap
//    that covers the viewport plus a margin on every side. The on-screen canvas is as big as
//    that bitmap (clipped by the container) and holds it plus the overlay (selection outlines,
//    badges, handles, the connection preview, the rubber band, and the nodes being dragged or
//    resized, which are left out of the bitmap meanwhile). Panning moves the canvas with a CSS
//    transform: within the margin no pixel of the scene is drawn (the shell runs WebKitGTK
//    without compositing mode, where the moved canvas is one copy to the window).
//    Past the margin the still-valid part is copied and only the newly exposed strips are
//    rendered. While the wheel turns the transform also scales it; it is rendered sharp when
//    the wheel rests. The overlay changing recomposes the canvas (one copy of the bitmap) but
//    does not re-render the scene.
// 4. One paint per animation frame (engine.ts). Pointer and wheel events only update state and
//    request a frame; the frame does whatever of the above is needed, once.
//
// Drawing routines (draw.ts, edges.ts, overlay.ts) target a small DrawContext interface, so the
// SVG and PNG exports (export.ts) use exactly the same code. devicePixelRatio is honoured
// everywhere; viewport translations are whole device pixels so blits never resample.
//
// Integration notes: pass memoised nodes/edges/lanes arrays (a new array identity rebuilds the
// scene, O(n)); selection and problems are cheap to change (overlay, resp. one cache render).

import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, type CSSProperties } from "react";
import { CanvasEngine, type FlowCanvasHandle, type FlowCanvasProps } from "./engine";

export type { FlowCanvasHandle, FlowCanvasProps } from "./engine";

const CONTAINER_STYLE: CSSProperties = {
  position: "absolute",
  inset: 0,
  overflow: "hidden",
  // The canvas handles touch/pen drags itself (pan, move); the browser must not scroll.
  touchAction: "none",
  userSelect: "none",
};

/** The canvas is bigger than the container (the margins); the engine sizes it and moves it with a transform. */
const CANVAS_STYLE: CSSProperties = {
  position: "absolute",
  left: 0,
  top: 0,
  display: "block",
  transformOrigin: "0 0",
  pointerEvents: "none",
};

export const FlowCanvas = forwardRef<FlowCanvasHandle, FlowCanvasProps>(function FlowCanvas(props, ref) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const engineRef = useRef<CanvasEngine | null>(null);
  if (engineRef.current === null) engineRef.current = new CanvasEngine(props);
  const engine = engineRef.current;

  // Every render hands the latest props to the engine (it compares what matters itself).
  useLayoutEffect(() => {
    engine.setProps(props);
  });

  useLayoutEffect(() => {
    const container = containerRef.current;
    const canvas = canvasRef.current;
    if (!container || !canvas) return;
    engine.attach(container, canvas);
    return () => engine.detach();
  }, [engine]);

  useImperativeHandle(ref, () => engine.handle(), [engine]);

  return (
    <div
      ref={containerRef}
      data-testid="flow-canvas"
      className={props.className}
      tabIndex={0}
      aria-label={props.ariaLabel}
      style={CONTAINER_STYLE}
    >
      <canvas ref={canvasRef} style={CANVAS_STYLE} />
    </div>
  );
});
