// The domain model mapped onto the canvas engine's input (nodes and edges of domainShapes'
// kinds), for the context map and for one bounded context's canvas. Pure: memoise on the model.

import type { CanvasEdge, CanvasNode, CanvasRow } from "../canvas/types";
import type { Attribute, DomainElement, DomainModel, ModelIndex } from "./domainModel";
import { cardHeight } from "./domainShapes";

type T = (key: string, options?: Record<string, unknown>) => string;

/** What the canvas shows: the context map, or one bounded context. */
export type DomainLevel = { level: "map" } | { level: "context"; contextId: string };

/** Room around the contexts of a subdomain, and above them for its name. */
const AREA_PAD = 30;
const AREA_TOP = 34;

const SEP = "\u001f";

/** Subdomain areas are derived (the bounding box of their contexts): their ids carry this prefix. */
export const AREA_PREFIX = "area:";

export type CanvasModel = { nodes: CanvasNode[]; edges: CanvasEdge[] };

export function contextMapCanvas(m: DomainModel, ix: ModelIndex, t: T): CanvasModel {
  const nodes: CanvasNode[] = [];
  for (const s of m.subdomains) {
    const members = m.contexts.filter((c) => c.subdomain === s.id);
    if (members.length === 0) continue;
    const x0 = Math.min(...members.map((c) => c.x)) - AREA_PAD;
    const y0 = Math.min(...members.map((c) => c.y)) - AREA_TOP - AREA_PAD / 2;
    const x1 = Math.max(...members.map((c) => c.x + c.w)) + AREA_PAD;
    const y1 = Math.max(...members.map((c) => c.y + c.h)) + AREA_PAD;
    nodes.push({
      id: AREA_PREFIX + s.id,
      kind: `domain:subdomain.${s.kind}`,
      name: s.name,
      caption: t(`domain.subdomainKind.${s.kind}`),
      x: x0,
      y: y0,
      w: x1 - x0,
      h: y1 - y0,
    });
  }
  for (const c of m.contexts) {
    const sub = c.subdomain ? ix.subdomain.get(c.subdomain) : undefined;
    const elements = ix.elements.get(c.id) ?? [];
    const count = (k: DomainElement["kind"]) => elements.filter((e) => e.kind === k).length;
    const rows: CanvasRow[] = [];
    if (c.vision) rows.push({ text: c.vision, muted: true });
    rows.push({
      text: t("domain.canvas.contextCounts", { aggregates: count("aggregate"), entities: count("entity"), events: count("domainEvent") }),
    });
    nodes.push({
      id: c.id,
      kind: sub ? `domain:context.${sub.kind}` : "domain:context",
      name: c.name,
      caption: t("domain.canvas.contextCaption"),
      rows,
      x: c.x,
      y: c.y,
      w: c.w,
      h: c.h,
    });
  }
  const edges: CanvasEdge[] = m.relationships.map((r) => {
    const symmetric = r.pattern === "partnership" || r.pattern === "sharedKernel" || r.pattern === "separateWays";
    const up = ["U", ...r.upstreamRoles.map((x) => t(`domain.upstreamRoleShort.${x}`))].join(" · ");
    const down = ["D", ...r.downstreamRoles.map((x) => t(`domain.downstreamRoleShort.${x}`))].join(" · ");
    return {
      id: r.id,
      kind: "domain:relationship",
      source: r.upstream,
      target: r.downstream,
      name: r.name ? `${t(`domain.pattern.${r.pattern}`)}: ${r.name}` : t(`domain.pattern.${r.pattern}`),
      waypoints: [],
      sourceBadge: symmetric ? undefined : up,
      targetBadge: symmetric ? undefined : down,
    };
  });
  return { nodes, edges };
}

/** An attribute as a card row: "name: Type", "Type[]" for lists, the identifier in bold. */
export function attributeRow(a: Attribute, ix: ModelIndex, t: T): CanvasRow {
  const target = a.target ? ix.element.get(a.target)?.name : undefined;
  let type = a.dataType === "reference" || a.dataType === "enumeration" ? (target ?? a.typeName ?? "?") : t(`domain.dataType.${a.dataType}`);
  if (a.list) type = `${type}[]`;
  const flags = `${a.identifier ? " #" : ""}${a.required && !a.identifier ? " *" : ""}`;
  return { text: `${a.name}: ${type}${flags}`, strong: a.identifier };
}

export function contextCanvas(ix: ModelIndex, contextId: string, t: T): CanvasModel {
  const nodes: CanvasNode[] = [];
  const edges: CanvasEdge[] = [];
  const inContext = ix.elements.get(contextId) ?? [];
  const here = new Set(inContext.map((e) => e.id));
  const roots = new Set(inContext.filter((e) => e.kind === "aggregate" && e.root).map((e) => e.root as string));
  for (const e of inContext) {
    const attrs = ix.attributes.get(e.id) ?? [];
    let rows: CanvasRow[] | undefined;
    let h = e.h;
    if (e.kind === "entity" || e.kind === "valueObject") {
      rows = attrs.map((a) => attributeRow(a, ix, t));
      h = Math.max(e.h, cardHeight(rows.length));
    } else if (e.kind === "enumeration") {
      rows = e.values.map((v) => ({ text: v }));
      h = Math.max(e.h, cardHeight(rows.length));
    }
    const root = e.kind === "entity" && roots.has(e.id);
    nodes.push({
      id: e.id,
      kind: root ? "domain:root" : `domain:${e.kind}`,
      name: e.name,
      caption: root ? t("domain.canvas.rootCaption") : t(`domain.kindCaption.${e.kind}`),
      rows,
      x: e.x,
      y: e.y,
      w: e.w,
      h,
    });
    for (const a of attrs) {
      if (a.dataType !== "reference" || !a.target || !here.has(a.target) || a.target === e.id) continue;
      edges.push({ id: `ref${SEP}${a.id}`, kind: "domain:reference", source: e.id, target: a.target, name: a.name, waypoints: [], targetBadge: a.list ? "*" : undefined });
    }
    const link = (kind: CanvasEdge["kind"], id: string, source: string | null | undefined, target: string | null | undefined) => {
      if (source && target && here.has(source) && here.has(target) && target !== source) edges.push({ id, kind, source, target, name: "", waypoints: [] });
    };
    link("domain:handles", `handles${SEP}${e.id}`, e.id, e.handledBy);
    for (const ev of e.emits) link("domain:emits", `emits${SEP}${e.id}${SEP}${ev}`, e.id, ev);
    link("domain:triggers", `triggers${SEP}${e.id}`, e.trigger, e.id);
    link("domain:issues", `issues${SEP}${e.id}`, e.id, e.issues);
    for (const src of e.sources) link("domain:feeds", `feeds${SEP}${e.id}${SEP}${src}`, src, e.id);
  }
  return { nodes, edges };
}

/**
 * What an edge drawn on a context's canvas stands for, so that deleting it edits the right
 * field: ids are "<kind>␟<element>[␟<other>]" as contextCanvas writes them (a separator no
 * record id holds: CML-derived ids contain ":" and "/").
 */
export type DerivedEdge =
  | { kind: "ref"; attribute: string }
  | { kind: "handles" | "triggers" | "issues"; element: string }
  | { kind: "emits" | "feeds"; element: string; other: string };

export function parseDerivedEdge(id: string): DerivedEdge | null {
  const [kind, a, b] = id.split(SEP);
  if (kind === "ref" && a) return { kind, attribute: a };
  if ((kind === "handles" || kind === "triggers" || kind === "issues") && a) return { kind, element: a };
  if ((kind === "emits" || kind === "feeds") && a && b) return { kind, element: a, other: b };
  return null;
}
