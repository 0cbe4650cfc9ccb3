// The domain model as the UI holds it: the core's records grouped by type, the record ops the
// editor sends (RecordOp over DomainRecord, one list per user action, one undo step), the
// patches the core answers with, and the pure helpers the canvases and panels share.

import type {
  Attribute_Serialize as Attribute,
  BoundedContext_Serialize as BoundedContext,
  ColumnOverride_Serialize as ColumnOverride,
  DomainElement_Serialize as DomainElement,
  DomainModel_Serialize as DomainModel,
  DomainRecord_Serialize as DomainRecord,
  ElementKind,
  RecordOp,
  RecordPatch,
  Relationship_Serialize as Relationship,
  Subdomain_Serialize as Subdomain,
} from "../bindings";

export type { Attribute, BoundedContext, ColumnOverride, DomainElement, DomainModel, DomainRecord, Relationship, Subdomain };
export type DomainOp = RecordOp<DomainRecord>;
export type DomainPatch = RecordPatch<DomainRecord>;

export const ELEMENT_KINDS = [
  "aggregate",
  "entity",
  "valueObject",
  "enumeration",
  "command",
  "domainEvent",
  "policy",
  "readModel",
  "domainService",
  "externalSystem",
  "actor",
] as const satisfies readonly ElementKind[];

type MissingElementKind = Exclude<ElementKind, (typeof ELEMENT_KINDS)[number]>;
const allElementKindsListed: [MissingElementKind] extends [never] ? true : false = true;
void allElementKindsListed;

/** Kinds whose records hold attributes (class-diagram cards). */
export const HAS_ATTRIBUTES: ReadonlySet<ElementKind> = new Set(["entity", "valueObject", "command", "domainEvent", "readModel"]);

/** A new element's size on its context's canvas. */
export const ELEMENT_SIZE: Record<ElementKind, { w: number; h: number }> = {
  aggregate: { w: 420, h: 300 },
  entity: { w: 180, h: 100 },
  valueObject: { w: 180, h: 90 },
  enumeration: { w: 160, h: 90 },
  command: { w: 130, h: 90 },
  domainEvent: { w: 130, h: 90 },
  policy: { w: 130, h: 90 },
  readModel: { w: 130, h: 90 },
  domainService: { w: 130, h: 90 },
  externalSystem: { w: 130, h: 90 },
  actor: { w: 100, h: 70 },
};
export const CONTEXT_SIZE = { w: 240, h: 150 };

export const EMPTY_MODEL: DomainModel = {
  subdomains: [],
  contexts: [],
  relationships: [],
  elements: [],
  attributes: [],
  overrides: [],
  extras: [],
};

type Group = Exclude<keyof DomainModel, "extras">;
const GROUP: Record<Exclude<DomainRecord["record"], "extra">, Group> = {
  subdomain: "subdomains",
  context: "contexts",
  relationship: "relationships",
  element: "elements",
  attribute: "attributes",
  override: "overrides",
};

function sortAttributes(list: Attribute[]): Attribute[] {
  return list.sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : a.order - b.order));
}

/** Applies a patch (records upserted by id, ids removed). Groups the patch does not touch keep their identity. */
export function applyDomainPatch(m: DomainModel, p: DomainPatch): DomainModel {
  if (p.upserts.length === 0 && p.removed.length === 0) return m;
  const removed = new Set(p.removed);
  const byGroup = new Map<keyof DomainModel, Map<string, unknown>>();
  for (const r of p.upserts) {
    const { record, ...rest } = r;
    const g: keyof DomainModel = record === "extra" ? "extras" : GROUP[record];
    let map = byGroup.get(g);
    if (!map) byGroup.set(g, (map = new Map()));
    map.set(rest.id, rest);
  }
  const next = { ...m } as Record<keyof DomainModel, { id: string }[]>;
  for (const g of Object.keys(m) as (keyof DomainModel)[]) {
    const ups = byGroup.get(g);
    const list = m[g] as { id: string }[];
    if (!ups && !list.some((r) => removed.has(r.id))) continue;
    const out: { id: string }[] = [];
    for (const r of list) {
      if (removed.has(r.id)) continue;
      const u = ups?.get(r.id);
      if (u) {
        out.push(u as { id: string });
        ups!.delete(r.id);
      } else out.push(r);
    }
    if (ups) for (const u of ups.values()) out.push(u as { id: string });
    next[g] = out;
  }
  const model = next as unknown as DomainModel;
  if (model.attributes !== m.attributes) model.attributes = sortAttributes([...model.attributes]);
  return model;
}

/** The patch an op list would give, as far as the UI can tell before the core answers (dependents of a removal come with the core's patch). */
export function optimisticPatch(ops: readonly DomainOp[]): DomainPatch {
  const upserts: DomainRecord[] = [];
  const removed: string[] = [];
  for (const op of ops) {
    if (op.op === "add" || op.op === "update") upserts.push(op.record);
    else if (op.op === "remove") removed.push(op.id);
  }
  return { upserts, removed };
}

// --- records as ops ---

export const subdomainRecord = (s: Subdomain): DomainRecord => ({ record: "subdomain", ...s });
export const contextRecord = (c: BoundedContext): DomainRecord => ({ record: "context", ...c });
export const relationshipRecord = (r: Relationship): DomainRecord => ({ record: "relationship", ...r });
export const elementRecord = (e: DomainElement): DomainRecord => ({ record: "element", ...e });
export const attributeRecord = (a: Attribute): DomainRecord => ({ record: "attribute", ...a });
export const overrideRecord = (o: ColumnOverride): DomainRecord => ({ record: "override", ...o });

export function newElement(id: string, context: string, kind: ElementKind, name: string, x: number, y: number): DomainElement {
  const size = ELEMENT_SIZE[kind];
  return {
    id,
    context,
    kind,
    name,
    description: null,
    x,
    y,
    w: size.w,
    h: size.h,
    aggregate: null,
    root: null,
    invariants: [],
    values: [],
    handledBy: null,
    emits: [],
    trigger: null,
    issues: null,
    sources: [],
    kept: null,
  };
}

export function newAttribute(id: string, owner: string, name: string, order: number): Attribute {
  return {
    id,
    owner,
    name,
    dataType: "text",
    target: null,
    typeName: null,
    list: false,
    required: false,
    unique: false,
    identifier: false,
    description: null,
    order,
    kept: null,
  };
}

/** Lookups built once per model. */
export type ModelIndex = {
  element: ReadonlyMap<string, DomainElement>;
  context: ReadonlyMap<string, BoundedContext>;
  subdomain: ReadonlyMap<string, Subdomain>;
  /** Attributes per owner, in order. */
  attributes: ReadonlyMap<string, Attribute[]>;
  /** Elements per context. */
  elements: ReadonlyMap<string, DomainElement[]>;
};

export function indexModel(m: DomainModel): ModelIndex {
  const attributes = new Map<string, Attribute[]>();
  for (const a of m.attributes) {
    const list = attributes.get(a.owner);
    if (list) list.push(a);
    else attributes.set(a.owner, [a]);
  }
  const elements = new Map<string, DomainElement[]>();
  for (const e of m.elements) {
    const list = elements.get(e.context);
    if (list) list.push(e);
    else elements.set(e.context, [e]);
  }
  return {
    element: new Map(m.elements.map((e) => [e.id, e])),
    context: new Map(m.contexts.map((c) => [c.id, c])),
    subdomain: new Map(m.subdomains.map((s) => [s.id, s])),
    attributes,
    elements,
  };
}

/** An order value after the last of `list` (fractional orders let concurrent inserts merge). */
export function orderAfter(list: readonly { order: number }[]): number {
  return list.length === 0 ? 1 : Math.max(...list.map((a) => a.order)) + 1;
}

/** The order that puts an item at `index` of `list` (which does not hold it), between its neighbours. */
export function orderAt(list: readonly { order: number }[], index: number): number {
  if (list.length === 0) return 1;
  if (index <= 0) return list[0].order - 1;
  if (index >= list.length) return list[list.length - 1].order + 1;
  return (list[index - 1].order + list[index].order) / 2;
}

/** A name not yet used by `taken`: `base`, else `base 2`, `base 3`… */
export function freshName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base} ${i}`)) return `${base} ${i}`;
}
