// Typed links between elements (traceability): the kinds in display order, and the pure helpers
// behind the element panel (which end of a resolved link is "the other one", the target picker's
// filter and grouping).

import type { LinkKind, LinkTarget, ResolvedLink_Serialize } from "../bindings";

export type ResolvedLink = ResolvedLink_Serialize;

export const LINK_KINDS = [
  "realizes",
  "invokes",
  "shows",
  "measures",
  "refines",
  "tracks",
  "relatesTo",
] as const satisfies readonly LinkKind[];

// Compile-time check that LINK_KINDS lists every LinkKind (the translation test relies on it).
type MissingLinkKind = Exclude<LinkKind, (typeof LINK_KINDS)[number]>;
const allLinkKindsListed: [MissingLinkKind] extends [never] ? true : false = true;
void allLinkKindsListed;

/** The kind preselected in the "add link" form. */
export const DEFAULT_LINK_KIND: LinkKind = "relatesTo";

/** At most this many targets are listed in the picker at once (a large flow has thousands). */
export const MAX_TARGETS_LISTED = 150;

/** The element at the other end of a link, as seen from the asked-for element. */
export type OtherEnd = {
  documentId: string;
  elementId: string;
  /** Null when the element no longer exists. */
  name: string | null;
  documentTitle: string | null;
  /** The other end is gone (or, for a backlink, the link's own document lost its element). */
  missing: boolean;
};

export function otherEnd(r: ResolvedLink): OtherEnd {
  if (r.incoming) {
    return {
      documentId: r.fromDocument,
      elementId: r.link.from,
      name: r.fromName ?? null,
      documentTitle: r.otherTitle ?? null,
      missing: r.fromName == null,
    };
  }
  return {
    documentId: r.link.toDocument,
    elementId: r.link.toElement,
    name: r.toName ?? null,
    documentTitle: r.otherTitle ?? null,
    missing: r.broken || r.toName == null,
  };
}

/** Outgoing links first, then backlinks; each group in the core's order. */
export function sortLinks(links: readonly ResolvedLink[]): ResolvedLink[] {
  return [...links.filter((l) => !l.incoming), ...links.filter((l) => l.incoming)];
}

export type TargetGroup = { documentId: string; documentTitle: string; targets: LinkTarget[] };

export type FilteredTargets = { groups: TargetGroup[]; shown: number; total: number };

/**
 * The targets matching `query` (by element name or document title, case-insensitive), without
 * the element itself, grouped by document: the current document first, then in the core's order.
 * At most `limit` targets are kept; `total` counts all matches.
 */
export function filterTargets(
  targets: readonly LinkTarget[],
  query: string,
  self: { documentId: string; elementId: string },
  limit = MAX_TARGETS_LISTED,
): FilteredTargets {
  const q = query.trim().toLocaleLowerCase();
  const byDoc = new Map<string, TargetGroup>();
  const matches: LinkTarget[] = [];
  for (const t of targets) {
    if (t.documentId === self.documentId && t.elementId === self.elementId) continue;
    if (q && !t.name.toLocaleLowerCase().includes(q) && !t.documentTitle.toLocaleLowerCase().includes(q)) continue;
    matches.push(t);
  }
  const ordered = [
    ...matches.filter((t) => t.documentId === self.documentId),
    ...matches.filter((t) => t.documentId !== self.documentId),
  ];
  let shown = 0;
  for (const t of ordered) {
    if (shown >= limit) break;
    let group = byDoc.get(t.documentId);
    if (!group) byDoc.set(t.documentId, (group = { documentId: t.documentId, documentTitle: t.documentTitle, targets: [] }));
    group.targets.push(t);
    shown++;
  }
  return { groups: [...byDoc.values()], shown, total: matches.length };
}
