// Level of detail: what is worth drawing at a zoom. Text and small markers cost the most to
// draw and are unreadable when tiny, so they go first as the view zooms out; shapes and lines
// always stay so the flow keeps its outline.

export type Lod = {
  /** Node names (12–12.5 px fonts, so about 5 px on screen at the threshold). */
  labels: boolean;
  /** Names on edges and on lanes/pools. */
  edgeLabels: boolean;
  /** Task-type icons, event definitions, gateway marks, sub-process markers, inner rings. */
  markers: boolean;
  /** Arrowheads and edge source markers (default slash, condition diamond, message circle). */
  arrows: boolean;
  /** Rounded corners; below this, rectangles are plain (they are a few pixels big). */
  rounded: boolean;
  /**
   * The thinnest outline or line, in flow units: about 0.75 screen pixels, so that zoomed far
   * out the flow stays visible instead of fading into hairlines. 0 = the drawn widths as they are.
   */
  minLineWidth: number;
  /**
   * The smallest font size (flow units) for the names of pools and lanes: they are few and
   * tell the bands apart, so they are never dropped but drawn at least BAND_NAME_PX tall on
   * screen, as long as some of the name fits the band. 0 = their own size.
   */
  bandNameMin: number;
};

/** The screen size (CSS pixels) below which pool and lane names are not drawn smaller. */
export const BAND_NAME_PX = 11;

export const LOD_LABELS = 0.4;
export const LOD_EDGE_LABELS = 0.5;
export const LOD_MARKERS = 0.3;
export const LOD_ARROWS = 0.18;
export const LOD_ROUNDED = 0.18;

export function lodFor(zoom: number): Lod {
  return {
    labels: zoom >= LOD_LABELS,
    edgeLabels: zoom >= LOD_EDGE_LABELS,
    markers: zoom >= LOD_MARKERS,
    arrows: zoom >= LOD_ARROWS,
    rounded: zoom >= LOD_ROUNDED,
    minLineWidth: 0.75 / zoom,
    bandNameMin: BAND_NAME_PX / zoom,
  };
}

/** Everything: for exports, which are looked at up close. */
export const FULL_LOD: Lod = { labels: true, edgeLabels: true, markers: true, arrows: true, rounded: true, minLineWidth: 0, bandNameMin: 0 };

/** The background dot grid's step in flow units: 20, doubled until dots are at least 10 px apart on screen. */
export function dotGridStep(zoom: number, base = 20, minScreenGap = 10): number {
  let step = base;
  while (step * zoom < minScreenGap) step *= 2;
  return step;
}
