// One open sandbox prototype (as useDomainSession for a domain model): its records, the calls
// to the core in order, save status, undo/redo and live problems. Edits show at once (the ops' records, optimistically); the core's patch
// replaces them when it answers, and a failed call reloads the model from the core. Problems
// are asked of the core after every confirmed change (its rules, both languages).

import { useCallback, useEffect, useRef, useState } from "react";
import type { Backend, Result } from "../backend";
import type { ApiError, PrototypeProblem, EditResult_Serialize } from "../bindings";
import { EMPTY_PROTOTYPE, applyPrototypePatch, optimisticPatch, type Prototype, type PrototypeOp, type PrototypePatch } from "./prototypeModel";

export type PrototypeSession = {
  documentId: string | null;
  status: "loading" | "ready" | "error";
  loadError: ApiError | null;
  model: Prototype;
  problems: PrototypeProblem[];
  saveState: "idle" | "saving" | "saved" | "error";
  canUndo: boolean;
  canRedo: boolean;
  /** Sends ops as one change and one undo step. */
  edit(ops: PrototypeOp[]): void;
  /** Sends another edit call of the core (placing a shelf part), in order with the rest. */
  run(call: () => Promise<Result<EditResult_Serialize, ApiError>>): void;
  undo(): void;
  redo(): void;
  /** The model changed elsewhere (sync): re-read it. */
  refresh(): void;
  /** Resolves once every call sent so far has been answered. */
  settled(): Promise<void>;
};

function patchOf(r: EditResult_Serialize): PrototypePatch | null {
  return r.patch.kind === "sandboxPrototype" ? r.patch.patch : null;
}

/** The open prototype's session; `documentId` null: none is open (the session stays idle). */
export function usePrototypeSession(backend: Backend, documentId: string | null, onError: (e: ApiError) => void): PrototypeSession {
  const [model, setModel] = useState<Prototype>(EMPTY_PROTOTYPE);
  const [status, setStatus] = useState<PrototypeSession["status"]>("loading");
  // Which document `model` and `status` are of: until the open one has loaded, it is "loading".
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [problems, setProblems] = useState<PrototypeProblem[]>([]);
  const [saveState, setSaveState] = useState<PrototypeSession["saveState"]>("idle");
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
    if (res.status === "ok" && res.data.kind === "sandboxPrototype") setProblems(res.data.problems);
  }, [backend, documentId]);

  const load = useCallback(async () => {
    if (!documentId) {
      setModel(EMPTY_PROTOTYPE);
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
    if (res.data.content.kind !== "sandboxPrototype") {
      setLoadError({ code: "invalidInput", detail: `${documentId} is not a sandbox prototype` });
      setStatus("error");
      setLoadedFor(documentId);
      return;
    }
    setModel(res.data.content.content as Prototype);
    setUndoRedo({ canUndo: res.data.canUndo, canRedo: res.data.canRedo });
    setLoadError(null);
    setStatus("ready");
    setLoadedFor(documentId);
    void validate();
  }, [backend, documentId, validate]);

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
        const p = patchOf(res.data);
        if (p) setModel((m) => applyPrototypePatch(m, p));
        setUndoRedo({ canUndo: res.data.canUndo, canRedo: res.data.canRedo });
        if (pending.current === 0) {
          setSaveState("saved");
          void validate();
        }
      });
    },
    [load, validate],
  );

  const edit = useCallback(
    (ops: PrototypeOp[]) => {
      if (ops.length === 0 || !documentId) return;
      const optimistic = optimisticPatch(ops);
      setModel((m) => applyPrototypePatch(m, optimistic));
      enqueue(() => backend.editDocument(documentId, { kind: "sandboxPrototype", ops }));
    },
    [backend, documentId, enqueue],
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
