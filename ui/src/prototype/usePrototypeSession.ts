// The open sandbox prototype's session: the record session with the prototype's patches.

import type { Backend } from "../backend";
import type { ApiError, PrototypeProblem } from "../bindings";
import { useRecordSession, type RecordKindModule, type RecordSession } from "../components/useRecordSession";
import { EMPTY_PROTOTYPE, applyPrototypePatch, optimisticPatch, type Prototype, type PrototypeOp, type PrototypePatch } from "./prototypeModel";

const PROTOTYPE: RecordKindModule<Prototype, PrototypeOp, PrototypePatch> = {
  kind: "sandboxPrototype",
  noun: "a sandbox prototype",
  empty: EMPTY_PROTOTYPE,
  applyPatch: applyPrototypePatch,
  optimisticPatch,
};

export type PrototypeSession = RecordSession<Prototype, PrototypeOp, PrototypeProblem>;

/** The open prototype's session; `documentId` null: none is open (the session stays idle). */
export function usePrototypeSession(backend: Backend, documentId: string | null, onError: (e: ApiError) => void): PrototypeSession {
  return useRecordSession<Prototype, PrototypeOp, PrototypePatch, PrototypeProblem>(PROTOTYPE, backend, documentId, onError);
}
