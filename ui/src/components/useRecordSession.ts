// One open record document (a domain model, a sandbox prototype…): its records, the calls to
// the core in order, save status, undo/redo and live problems. Edits show at once (the ops'
// records, optimistically); the core's patch replaces them when it answers, and a failed call
// reloads the document from the core. Problems are asked of the core after every confirmed
// change (its rules, both languages). A kind brings only what is its own: `RecordKindModule`.

import { useCallback, useEffect, useRef, useState } from "react";
import type { Backend, Result } from "../backend";
import type { ApiError, DocOps, EditResult_Serialize } from "../bindings";

/** What a record kind brings to the session (a module-level constant: hooks depend on it). */
export type RecordKindModule<M, Op, Patch> = {
  kind: "domainModel" | "sandboxPrototype";
  /** How an error names a document of another kind: "is not {noun}". */
  noun: string;
  empty: M;
  applyPatch(m: M, p: Patch): M;
  /** The records the ops write, shown before the core answers. */
  optimisticPatch(ops: readonly Op[]): Patch;
};

export type RecordSession<M, Op, Problem> = {
  documentId: string | null;
  status: "loading" | "ready" | "error";
  loadError: ApiError | null;
  model: M;
  problems: Problem[];
  saveState: "idle" | "saving" | "saved" | "error";
  canUndo: boolean;
  canRedo: boolean;
  /** Sends ops as one change and one undo step. */
  edit(ops: Op[]): void;
  /** Sends another edit call of the core (placing a shelf part), in order with the rest. */
  run(call: () => Promise<Result<EditResult_Serialize, ApiError>>): void;
  undo(): void;
  redo(): void;
  /** The model changed elsewhere (sync): re-read it. */
  refresh(): void;
  /** Resolves once every call sent so far has been answered. */
  settled(): Promise<void>;
};

/** The open document's session; `documentId` null: none is open (the session stays idle). */
export function useRecordSession<M, Op, Patch, Problem>(
  k: RecordKindModule<M, Op, Patch>,
  backend: Backend,
  documentId: string | null,
  onError: (e: ApiError) => void,
): RecordSession<M, Op, Problem> {
  const [model, setModel] = useState<M>(k.empty);
  const [status, setStatus] = useState<RecordSession<M, Op, Problem>["status"]>("loading");
  // Which document `model` and `status` are of: until the open one has loaded, it is "loading".
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saveState, setSaveState] = useState<RecordSession<M, Op, Problem>["saveState"]>("idle");
  const [undoRedo, setUndoRedo] = useState({ canUndo: false, canRedo: false });
  const queue = useRef<Promise<void>>(Promise.resolve());
  const pending = useRef(0);
  const alive = useRef(true);
  // Answers about a document that is no longer the open one are dropped.
  const currentId = useRef(documentId);
  currentId.current = documentId;
  const errorRef = useRef(onError);
  errorRef.current = onError;

  const validate = useCallback(async () => {
    if (!documentId) return;
    const res = await backend.validateDocument(documentId);
    if (!alive.current || currentId.current !== documentId) return;
    if (res.status === "ok" && res.data.kind === k.kind) setProblems(res.data.problems as Problem[]);
  }, [backend, documentId, k]);

  const load = useCallback(async () => {
    if (!documentId) {
      setModel(k.empty);
      setProblems([]);
      setUndoRedo({ canUndo: false, canRedo: false });
      setSaveState("idle");
      return;
    }
    const res = await backend.openDocument(documentId);
    if (!alive.current || currentId.current !== documentId) return;
    if (res.status !== "ok") {
      setLoadError(res.error);
      setStatus("error");
      setLoadedFor(documentId);
      return;
    }
    if (res.data.content.kind !== k.kind) {
      setLoadError({ code: "invalidInput", detail: `${documentId} is not ${k.noun}` });
      setStatus("error");
      setLoadedFor(documentId);
      return;
    }
    setModel(res.data.content.content as M);
    setUndoRedo({ canUndo: res.data.canUndo, canRedo: res.data.canRedo });
    setLoadError(null);
    setStatus("ready");
    setLoadedFor(documentId);
    void validate();
  }, [backend, documentId, validate, k]);

  useEffect(() => {
    alive.current = true;
    setStatus("loading");
    setSaveState("idle");
    void load();
    return () => {
      alive.current = false;
    };
  }, [load]);

  /** Runs calls one after the other, so that the core sees edits in the order they were made. */
  const enqueue = useCallback(
    (call: () => Promise<Result<EditResult_Serialize, ApiError>>) => {
      pending.current++;
      setSaveState("saving");
      queue.current = queue.current.then(async () => {
        const res = await call();
        pending.current--;
        if (!alive.current) return;
        if (res.status !== "ok") {
          setSaveState("error");
          errorRef.current(res.error);
          await load();
          return;
        }
        if (res.data.patch.kind === k.kind) {
          const p = res.data.patch.patch as Patch;
          setModel((m) => k.applyPatch(m, p));
        }
        setUndoRedo({ canUndo: res.data.canUndo, canRedo: res.data.canRedo });
        if (pending.current === 0) {
          setSaveState("saved");
          void validate();
        }
      });
    },
    [load, validate, k],
  );

  const edit = useCallback(
    (ops: Op[]) => {
      if (ops.length === 0 || !documentId) return;
      const optimistic = k.optimisticPatch(ops);
      setModel((m) => k.applyPatch(m, optimistic));
      enqueue(() => backend.editDocument(documentId, { kind: k.kind, ops } as DocOps));
    },
    [backend, documentId, enqueue, k],
  );
  const undo = useCallback(() => {
    if (documentId) enqueue(() => backend.undoDocument(documentId));
  }, [backend, documentId, enqueue]);
  const redo = useCallback(() => {
    if (documentId) enqueue(() => backend.redoDocument(documentId));
  }, [backend, documentId, enqueue]);
  const refresh = useCallback(() => {
    queue.current = queue.current.then(load);
  }, [load]);
  const settled = useCallback(() => queue.current, []);

  const shown = loadedFor === documentId ? status : "loading";
  return { documentId, status: shown, loadError, model, problems, saveState, ...undoRedo, edit, run: enqueue, undo, redo, refresh, settled };
}
