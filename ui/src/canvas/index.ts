// The canvas renderer's public surface (what the flow editor integrates).

export { FlowCanvas, type FlowCanvasHandle, type FlowCanvasProps } from "./FlowCanvas";
export { DROP_MIME, LEGACY_DROP_MIME } from "./engine";
export { renderPng, renderSvg, type ExportOptions } from "./export";
export { generateFlow } from "./generate";
export { edgePoints, routeEdge } from "./geometry";
export type {
  CanvasEdge,
  CanvasLane,
  CanvasNode,
  EdgeKind,
  EventDefinition,
  NodeKind,
  Point,
  ProblemSeverity,
  Rect,
  Viewport,
} from "./types";
