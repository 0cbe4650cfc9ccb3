// The open domain model's session: the record session with the domain model's patches.

import type { Backend } from "../backend";
import type { ApiError, DomainProblem } from "../bindings";
import { useRecordSession, type RecordKindModule, type RecordSession } from "../components/useRecordSession";
import { EMPTY_MODEL, applyDomainPatch, optimisticPatch, type DomainModel, type DomainOp, type DomainPatch } from "./domainModel";

const DOMAIN: RecordKindModule<DomainModel, DomainOp, DomainPatch> = {
  kind: "domainModel",
  noun: "a domain model",
  empty: EMPTY_MODEL,
  applyPatch: applyDomainPatch,
  optimisticPatch,
};

export type DomainSession = RecordSession<DomainModel, DomainOp, DomainProblem>;

/** The open domain model's session; `documentId` null: none is open (the session stays idle). */
export function useDomainSession(backend: Backend, documentId: string | null, onError: (e: ApiError) => void): DomainSession {
  return useRecordSession<DomainModel, DomainOp, DomainPatch, DomainProblem>(DOMAIN, backend, documentId, onError);
}
