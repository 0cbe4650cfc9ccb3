// Replays transcripts recorded from the real core (crates/api/tests/contract.rs) against the
// in-memory backend: every step must succeed or fail as it did in the core, touch the same
// records, and leave the same content. Regenerate them with
// `UPDATE_CONTRACTS=1 cargo test -p api --test contract`.

import { describe, expect, it } from "vitest";
import type { DocKind, DocOps } from "./bindings";
import { memoryBackend } from "./memoryBackend";
import flowTranscript from "./test/contract/businessFlow.json";
import domainTranscript from "./test/contract/domainModel.json";
import prototypeTranscript from "./test/contract/sandboxPrototype.json";

type Transcript = {
  kind: DocKind;
  steps: { call: "edit" | "undo" | "redo"; ops: DocOps | null; outcome: Record<string, unknown>; content: Record<string, unknown> }[];
};

/** Absent and null are the same on both sides; collections compare as sets of records. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalize);
    const byId = items.every((x) => typeof x === "object" && x !== null && "id" in x);
    return byId ? [...items].sort((a, b) => String((a as { id: string }).id).localeCompare(String((b as { id: string }).id))) : items;
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, normalize(v)]),
    );
  }
  return value;
}

function patchSummary(patch: { kind: string; patch: Record<string, unknown> }): { upserts: string[]; removed: string[] } {
  const ids = (xs: unknown) => ((xs as { id: string }[] | undefined) ?? []).map((x) => x.id);
  const strs = (xs: unknown) => (xs as string[] | undefined) ?? [];
  const p = patch.patch;
  const [upserts, removed] =
    patch.kind === "businessFlow"
      ? [[...ids(p.nodes), ...ids(p.edges), ...ids(p.lanes)], [...strs(p.removedNodes), ...strs(p.removedEdges), ...strs(p.removedLanes)]]
      : [ids(p.upserts), strs(p.removed)];
  return { upserts: upserts.sort(), removed: removed.sort() };
}

describe.each([
  ["businessFlow", flowTranscript as unknown as Transcript],
  ["domainModel", domainTranscript as unknown as Transcript],
  ["sandboxPrototype", prototypeTranscript as unknown as Transcript],
])("the memory backend follows the core's %s transcript", (_name, transcript) => {
  it("step by step", async () => {
    const b = memoryBackend();
    const ws = await b.createWorkspace("contract");
    if (ws.status !== "ok") throw new Error("no workspace");
    const doc = await b.createDocument(ws.data.id, transcript.kind, "contract");
    if (doc.status !== "ok") throw new Error("no document");
    const id = doc.data.id;
    for (const [i, step] of transcript.steps.entries()) {
      const res =
        step.call === "edit" ? await b.editDocument(id, step.ops!) : step.call === "undo" ? await b.undoDocument(id) : await b.redoDocument(id);
      const outcome =
        res.status === "ok"
          ? { patch: patchSummary(res.data.patch as never), canUndo: res.data.canUndo, canRedo: res.data.canRedo }
          : { error: res.error.code };
      expect(outcome, `step ${i} (${step.call})`).toEqual(step.outcome);
      const view = await b.openDocument(id);
      if (view.status !== "ok") throw new Error(view.error.detail);
      expect(normalize(view.data.content.content), `content after step ${i} (${step.call})`).toEqual(normalize(step.content));
    }
  });
});
