// The business flow's calls on the generic document commands: the core has one command set
// for every kind (openDocument, editDocument, undoDocument, redoDocument, validateDocument);
// these narrow their tagged results to the flow's shapes.

import type { Backend, Result } from "../backend";
import type { ApiError, Flow_Serialize, FlowOp, FlowPatch_Serialize, Problem } from "../bindings";
import type { WireFlowView } from "../model";

export type FlowEditResult = { documentId: string; patch: FlowPatch_Serialize; canUndo: boolean; canRedo: boolean };

function notAFlow<T>(documentId: string): Result<T, ApiError> {
  return { status: "error", error: { code: "invalidInput", detail: `document ${documentId} is not a business flow` } };
}

export async function openFlow(backend: Backend, documentId: string): Promise<Result<WireFlowView, ApiError>> {
  const res = await backend.openDocument(documentId);
  if (res.status !== "ok") return res;
  const { content, canUndo, canRedo } = res.data;
  if (content.kind !== "businessFlow") return notAFlow(documentId);
  return { status: "ok", data: { documentId, ...(content.content as Flow_Serialize), canUndo, canRedo } };
}

async function flowResult(documentId: string, call: Promise<Awaited<ReturnType<Backend["undoDocument"]>>>): Promise<Result<FlowEditResult, ApiError>> {
  const res = await call;
  if (res.status !== "ok") return res;
  if (res.data.patch.kind !== "businessFlow") return notAFlow(documentId);
  return { status: "ok", data: { ...res.data, patch: res.data.patch.patch as FlowPatch_Serialize } };
}

export function editFlow(backend: Backend, documentId: string, ops: FlowOp[]): Promise<Result<FlowEditResult, ApiError>> {
  return flowResult(documentId, backend.editDocument(documentId, { kind: "businessFlow", ops }));
}

export function undoFlow(backend: Backend, documentId: string): Promise<Result<FlowEditResult, ApiError>> {
  return flowResult(documentId, backend.undoDocument(documentId));
}

export function redoFlow(backend: Backend, documentId: string): Promise<Result<FlowEditResult, ApiError>> {
  return flowResult(documentId, backend.redoDocument(documentId));
}

export async function validateFlow(backend: Backend, documentId: string): Promise<Result<Problem[], ApiError>> {
  const res = await backend.validateDocument(documentId);
  if (res.status !== "ok") return res;
  if (res.data.kind !== "businessFlow") return notAFlow(documentId);
  return { status: "ok", data: res.data.problems };
}
