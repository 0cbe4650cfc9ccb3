// Colours, widths and fonts: the look of the xyflow canvas (ui/src/styles.css, flow/shapes.tsx),
// in one place for the canvas and the SVG export.

import type { Font } from "./text";

export const FONT_FAMILY =
  '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const THEME = {
  background: "#fbfcfd",
  dot: "#c9d1dc",
  dotGap: 20,
  dotSize: 1.2,

  text: "#1f2933",
  textMuted: "#3e4c5c",
  shapeStroke: "#3d4a5c",
  taskFill: "#ffffff",
  shapeWidth: 1.5,
  taskRadius: 9,

  startStroke: "#2f7d4f",
  startFill: "#f1f8f3",
  endStroke: "#9b2c2c",
  endFill: "#fbf0f0",
  intermediateStroke: "#8a6d1d",
  intermediateFill: "#fbf7ea",

  gatewayStroke: "#8a6d1d",
  gatewayFill: "#fffaeb",
  gatewayMark: "#6b5417",
  gatewayMarkWidth: 2.6,

  markerStroke: "#3d4a5c",
  markerFill: "#e9edf2",
  markerWidth: 1.2,

  dataFill: "#ffffff",
  containerFill: "rgba(255, 255, 255, 0.82)",
  groupStroke: "#66768a",

  laneEven: "rgba(255, 255, 255, 0.7)",
  laneOdd: "rgba(238, 242, 247, 0.7)",
  laneBorder: "#cfd8e3",
  laneHeader: "#e9eef5",
  laneHeaderWidth: 32,
  poolFill: "rgba(255, 255, 255, 0.55)",
  poolStroke: "#8796a8",

  edge: "#3d4a5c",
  edgeWidth: 1.4,
  edgeLabelBg: "#fbfcfd",

  selection: "#2f6fed",
  selectionHalo: "rgba(47, 111, 237, 0.22)",
  handleFill: "#ffffff",
  handleStroke: "#2f6fed",
  rubberFill: "rgba(31, 95, 174, 0.07)",
  rubberStroke: "rgba(31, 95, 174, 0.6)",
  connectPreview: "#2f6fed",

  error: "#b42318",
  warning: "#d97706",
} as const;

export const NODE_FONT: Font = { size: 12.5, family: FONT_FAMILY };
export const OUTER_FONT: Font = { size: 12, family: FONT_FAMILY };
export const EDGE_FONT: Font = { size: 12, family: FONT_FAMILY };
export const LANE_FONT: Font = { size: 12.5, weight: 600, family: FONT_FAMILY };
export const BADGE_FONT: Font = { size: 10.5, weight: 700, family: FONT_FAMILY };

/** Line height as a multiple of the font size (the CSS uses 1.35). */
export const LINE_HEIGHT = 1.35;
/** Width of names drawn below events, gateways and data (the CSS `.bpmn-label-outer`). */
export const OUTER_LABEL_WIDTH = 140;
export const OUTER_LABEL_MAX_LINES = 4;
export const EDGE_LABEL_WIDTH = 120;
export const EDGE_LABEL_MAX_LINES = 3;
