// The sandbox prototype in the UI: its records grouped by type (the core's `Prototype`), the ops
// the editor sends (RecordOp over PrototypeRecord, one list per user action, one undo step),
// where each component lies on the storyboard (positions are relative to the parent or the
// screen; stacks, forms, cards and lists lay their children out by `order`, so they reflow),
// and the storyboard mapped onto the canvas engine's input (prototypeShapes' kinds).

import type {
  Action_Serialize as Action,
  Component_Serialize as Component,
  ComponentKind,
  Device,
  Prototype_Serialize as Prototype,
  PrototypeRecord_Serialize as PrototypeRecord,
  RecordOp,
  RecordPatch,
  Screen_Serialize as Screen,
  Walk_Serialize as Walk,
} from "../bindings";
import type { CanvasEdge, CanvasNode, Rect } from "../canvas/types";

export type { Action, Component, Prototype, Screen, Walk };
export type PrototypeOp = RecordOp<PrototypeRecord>;
export type PrototypePatch = RecordPatch<PrototypeRecord>;

export const EMPTY_PROTOTYPE: Prototype = { screens: [], components: [], actions: [], walks: [] };

const GROUP: Record<PrototypeRecord["record"], keyof Prototype> = { screen: "screens", component: "components", action: "actions", walk: "walks" };

export function applyPrototypePatch(m: Prototype, p: PrototypePatch): Prototype {
  if (p.upserts.length === 0 && p.removed.length === 0) return m;
  const removed = new Set(p.removed);
  const byGroup = new Map<keyof Prototype, Map<string, { id: string }>>();
  for (const r of p.upserts) {
    const { record, ...rest } = r;
    const g = GROUP[record];
    let map = byGroup.get(g);
    if (!map) byGroup.set(g, (map = new Map()));
    map.set(rest.id, rest as { id: string });
  }
  const next = { ...m } as Record<keyof Prototype, { id: string }[]>;
  for (const g of Object.keys(GROUP).map((k) => GROUP[k as PrototypeRecord["record"]])) {
    const ups = byGroup.get(g);
    const list = m[g] as { id: string }[];
    if (!ups && !list.some((r) => removed.has(r.id))) continue;
    const out: { id: string }[] = [];
    for (const r of list) {
      if (removed.has(r.id)) continue;
      const u = ups?.get(r.id);
      if (u) {
        out.push(u);
        ups!.delete(r.id);
      } else out.push(r);
    }
    if (ups) for (const u of ups.values()) out.push(u);
    next[g] = out;
  }
  return next as unknown as Prototype;
}

export function optimisticPatch(ops: readonly PrototypeOp[]): PrototypePatch {
  const upserts: PrototypeRecord[] = [];
  const removed: string[] = [];
  for (const op of ops) {
    if (op.op === "add" || op.op === "update") upserts.push(op.record);
    else if (op.op === "remove") removed.push(op.id);
  }
  return { upserts, removed };
}

export const screenRecord = (s: Screen): PrototypeRecord => ({ record: "screen", ...s });
export const componentRecord = (c: Component): PrototypeRecord => ({ record: "component", ...c });
export const actionRecord = (a: Action): PrototypeRecord => ({ record: "action", ...a });
export const walkRecord = (w: Walk): PrototypeRecord => ({ record: "walk", ...w });

export const DEVICE_SIZE: Record<Device, { w: number; h: number }> = {
  phone: { w: 375, h: 812 },
  tablet: { w: 768, h: 1024 },
  desktop: { w: 1440, h: 900 },
  custom: { w: 375, h: 812 },
};

/** The kinds a person adds from the element palette, with their default size. */
export const COMPONENT_SIZE: Record<ComponentKind, { w: number; h: number }> = {
  text: { w: 200, h: 24 },
  heading: { w: 280, h: 32 },
  image: { w: 320, h: 160 },
  button: { w: 160, h: 44 },
  input: { w: 300, h: 40 },
  select: { w: 300, h: 40 },
  date: { w: 300, h: 40 },
  checkbox: { w: 200, h: 28 },
  table: { w: 340, h: 240 },
  list: { w: 340, h: 300 },
  card: { w: 340, h: 160 },
  tabs: { w: 340, h: 200 },
  form: { w: 340, h: 260 },
  chart: { w: 340, h: 200 },
  navBar: { w: 375, h: 56 },
  tabBar: { w: 375, h: 56 },
  dialog: { w: 300, h: 200 },
  stack: { w: 340, h: 56 },
  group: { w: 200, h: 120 },
};

export const COMPONENT_KINDS = Object.keys(COMPONENT_SIZE) as ComponentKind[];
export const CONTAINER_KINDS: ReadonlySet<ComponentKind> = new Set(["stack", "form", "card", "list", "tabs", "dialog", "group"]);
export const FIELD_KINDS: ReadonlySet<ComponentKind> = new Set(["input", "select", "date", "checkbox"]);

export type Flow = { direction: "row" | "column"; gap: number; padding: number };

/** How a container lays its children out: stacks by their layout; forms, cards and lists as a column. */
export function flowOf(c: Component): Flow | null {
  if (c.layout) return { direction: c.layout.direction, gap: c.layout.gap, padding: c.layout.padding };
  if (c.kind === "form" || c.kind === "card") return { direction: "column", gap: 8, padding: 12 };
  if (c.kind === "list") return { direction: "column", gap: 0, padding: 0 };
  return null;
}

export type PrototypeIndex = {
  screen: Map<string, Screen>;
  component: Map<string, Component>;
  /** Children by parent id, or by "screen:<id>" for a screen's top level; sorted by order. */
  children: Map<string, Component[]>;
  /** Each component's box on the storyboard (absolute). */
  box: Map<string, Rect>;
  /** The action of each trigger component. */
  actionOf: Map<string, Action>;
};

const byOrder = (a: Component, b: Component) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function indexPrototype(m: Prototype): PrototypeIndex {
  const screen = new Map(m.screens.map((s) => [s.id, s]));
  const component = new Map(m.components.map((c) => [c.id, c]));
  const children = new Map<string, Component[]>();
  for (const c of m.components) {
    const key = c.parent && component.has(c.parent) ? c.parent : `screen:${c.screen}`;
    const list = children.get(key);
    if (list) list.push(c);
    else children.set(key, [c]);
  }
  for (const list of children.values()) list.sort(byOrder);
  const box = new Map<string, Rect>();
  const place = (parentKey: string, origin: Rect, flow: Flow | null) => {
    let cursor = flow ? flow.padding : 0;
    for (const c of children.get(parentKey) ?? []) {
      let r: Rect;
      if (flow) {
        const w = flow.direction === "column" ? Math.min(c.w, Math.max(20, origin.w - 2 * flow.padding)) : c.w;
        r = flow.direction === "row" ? { x: origin.x + cursor, y: origin.y + flow.padding, w, h: c.h } : { x: origin.x + flow.padding, y: origin.y + cursor, w, h: c.h };
        cursor += (flow.direction === "row" ? w : c.h) + flow.gap;
      } else r = { x: origin.x + c.x, y: origin.y + c.y, w: c.w, h: c.h };
      box.set(c.id, r);
      // A list shows its row template once.
      place(c.id, r, flowOf(c));
    }
  };
  for (const s of m.screens) place(`screen:${s.id}`, { x: s.x, y: s.y, w: s.w, h: s.h }, null);
  const actionOf = new Map(m.actions.map((a) => [a.component, a]));
  return { screen, component, children, box, actionOf };
}

export const SCREEN_KIND = "proto:screen";
export const NAV_KIND = "proto:navigate";

type T = (key: string, options?: Record<string, unknown>) => string;

/** The storyboard for the canvas engine: screens, then each screen's components parents first, then navigation arrows. */
export function storyboardCanvas(
  m: Prototype,
  ix: PrototypeIndex,
  t: T,
  entityName: (doc: string, id: string) => string | null,
  attributeName: (doc: string, id: string) => string | null = () => null,
): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const nodes: CanvasNode[] = [];
  for (const s of m.screens) {
    nodes.push({ id: s.id, kind: SCREEN_KIND, name: s.name, caption: `${t(`prototype.device.${s.device}`)} ${s.w}×${s.h}${s.start ? ` · ${t("prototype.startScreen")}` : ""}`, x: s.x, y: s.y, w: s.w, h: s.h });
    const walk = (key: string) => {
      for (const c of ix.children.get(key) ?? []) {
        const r = ix.box.get(c.id);
        if (!r) continue;
        const rows = [];
        if (c.binding) {
          const ent = entityName(c.binding.document, c.binding.entity) ?? "?";
          const attr = c.binding.attribute ? attributeName(c.binding.document, c.binding.attribute) : null;
          rows.push({ text: `⇄ ${ent}${c.binding.collection ? "[]" : ""}${attr ? `.${attr}` : ""}`, muted: true });
        }
        if (c.props?.options) rows.push({ text: c.props.options, muted: true });
        // A text bound to an attribute reads as its placeholder on the board: {{name}}.
        const attr = c.binding?.attribute ? attributeName(c.binding.document, c.binding.attribute) : null;
        const name = attr && (c.kind === "text" || c.kind === "heading") ? `{{${attr}}}` : (c.text ?? c.name);
        nodes.push({ id: c.id, kind: `proto:${c.kind}`, name, caption: c.name, rows, x: r.x, y: r.y, w: r.w, h: r.h });
        walk(c.id);
      }
    };
    walk(`screen:${s.id}`);
  }
  const edges: CanvasEdge[] = [];
  const seen = new Set<string>();
  for (const a of m.actions) {
    const from = ix.component.get(a.component)?.screen;
    if (!from) continue;
    const targets = [...a.steps.flatMap((s) => (s.step === "navigate" ? [s.screen] : [])), ...(a.success ? [a.success] : [])];
    for (const to of targets) {
      if (!ix.screen.has(to) || to === from) continue;
      const id = `nav:${from}>${to}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, kind: NAV_KIND, source: from, target: to, name: a.name ?? "", waypoints: [] });
    }
  }
  return { nodes, edges };
}

/** The screen whose frame holds the point, or null. */
export function screenAt(m: Prototype, x: number, y: number): Screen | null {
  for (let i = m.screens.length - 1; i >= 0; i--) {
    const s = m.screens[i];
    if (x >= s.x && x <= s.x + s.w && y >= s.y && y <= s.y + s.h) return s;
  }
  return null;
}

/** A free place right of every screen, for a new one. */
export function nextScreenPlace(m: Prototype): { x: number; y: number } {
  if (m.screens.length === 0) return { x: 0, y: 0 };
  const right = Math.max(...m.screens.map((s) => s.x + s.w));
  const top = Math.min(...m.screens.map((s) => s.y));
  return { x: Math.ceil((right + 100) / 10) * 10, y: top };
}

export function newScreen(id: string, name: string, device: Device, x: number, y: number): Screen {
  const size = DEVICE_SIZE[device];
  return { id, name, device, x, y, w: size.w, h: size.h, start: false, description: null };
}

export function newComponent(id: string, screen: string, parent: string | null, kind: ComponentKind, name: string, x: number, y: number, order: number): Component {
  const size = COMPONENT_SIZE[kind];
  const text = kind === "button" || kind === "heading" || kind === "text" || FIELD_KINDS.has(kind) || kind === "navBar" ? name : null;
  return {
    id,
    screen,
    parent,
    kind,
    part: null,
    name,
    text,
    x,
    y,
    w: size.w,
    h: size.h,
    order,
    layout: kind === "stack" ? { direction: "row", gap: 8, padding: 8 } : null,
    props: {},
    binding: null,
  };
}

/** The order that puts a component after every sibling. */
export function orderAfterAll(ix: PrototypeIndex, parentKey: string): number {
  const list = ix.children.get(parentKey) ?? [];
  return list.length ? list[list.length - 1].order + 1 : 0;
}

/**
 * The order a child dropped at (x, y) takes among the siblings of a flowing container, so that
 * it lands between the two it was dropped between.
 */
export function orderAt(ix: PrototypeIndex, parent: Component, moving: string, x: number, y: number): number {
  const flow = flowOf(parent);
  const sibs = (ix.children.get(parent.id) ?? []).filter((c) => c.id !== moving);
  if (!flow || sibs.length === 0) return 0;
  const along = (c: Component) => {
    const r = ix.box.get(c.id)!;
    return flow.direction === "row" ? r.x + r.w / 2 : r.y + r.h / 2;
  };
  const p = flow.direction === "row" ? x : y;
  const i = sibs.findIndex((c) => along(c) > p);
  if (i === -1) return sibs[sibs.length - 1].order + 1;
  if (i === 0) return sibs[0].order - 1;
  return (sibs[i - 1].order + sibs[i].order) / 2;
}

/** Ids of a component and everything inside it. */
export function subtree(ix: PrototypeIndex, id: string): string[] {
  const out = [id];
  for (let i = 0; i < out.length; i++) for (const c of ix.children.get(out[i]) ?? []) out.push(c.id);
  return out;
}

/** A unique name: `base`, else `base 2`, `base 3`… */
export function freshName(taken: Iterable<string>, base: string): string {
  const set = new Set(taken);
  if (!set.has(base)) return base;
  for (let n = 2; ; n++) if (!set.has(`${base} ${n}`)) return `${base} ${n}`;
}
