// One open flow document: its local state, the queue of calls to the core, save status and
// undo/redo availability. Edits show at once (an optimistic patch computed locally); the core's
// patch replaces it when the call returns, and a failed call reloads the flow from the core.

import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from "react";
import type { Backend } from "../backend";
import type { Result } from "../backend";
import type { ApiError } from "../bindings";
import { normalizePatch, normalizeView, type FlowNode, type FlowOp, type FlowPatch } from "../model";
import { applyPatch, emptyState, opsToPatch, selectOnly, viewToState, type FlowState } from "./flowState";
import { editFlow, openFlow, redoFlow, undoFlow, type FlowEditResult } from "./flowCalls";

export type SaveState = "idle" | "saving" | "saved" | "error";
export type LoadStatus = "none" | "loading" | "ready" | "error";

export type FlowSession = {
  documentId: string | null;
  status: LoadStatus;
  loadError: ApiError | null;
  state: FlowState;
  saveState: SaveState;
  canUndo: boolean;
  canRedo: boolean;
  /** Sends ops as one atomic change (one undo step). */
  edit(ops: FlowOp[]): void;
  undo(): void;
  redo(): void;
  reload(): void;
  /**
   * The document changed through sync: re-reads it from the core, keeping the selection and
   * this window's edits still in flight.
   */
  refresh(): void;
  /** Local-only changes (selection, a drag in progress): never sent to the core. */
  update(fn: (s: FlowState) => FlowState): void;
  /** Selects exactly these nodes, remembering the order (used by "Connect"). */
  select(ids: readonly string[]): void;
  /** Node ids in the order they were selected. */
  selectionOrder: RefObject<string[]>;
  stateRef: RefObject<FlowState>;
  nodes(): FlowNode[];
  /** Bumped whenever the core confirms the flow's content: a load, or an edit, undo or redo that succeeded. */
  confirmed: number;
  /** Bumped on every load and every call that changes the flow (when it is sent, before the core answers). */
  revision(): number;
  /** Whether changes sent to the core are still waiting for its answer. */
  hasPending(): boolean;
};

type Pending = { optimistic: FlowPatch | null };

export function useFlowSession(
  backend: Backend,
  documentId: string | null,
  onError: (error: ApiError) => void,
): FlowSession {
  const [state, setState] = useState<FlowState>(emptyState);
  // Which document the load status belongs to: right after the document changes, the previous
  // document's status must not be mistaken for the new one's.
  const [loadState, setLoadState] = useState<{ docId: string | null; status: LoadStatus; error: ApiError | null }>({
    docId: null,
    status: "none",
    error: null,
  });
  const [saveState, setSaveState] = useState<SaveState>("idle");
  const [canUndo, setCanUndo] = useState(false);
  const [canRedo, setCanRedo] = useState(false);
  const [confirmed, setConfirmed] = useState(0);
  const revisionRef = useRef(0);

  const stateRef = useRef<FlowState>(state);
  const statusRef = useRef<LoadStatus>("none");
  const docRef = useRef<string | null>(documentId);
  const tokenRef = useRef(0);
  const queueRef = useRef<Promise<void>>(Promise.resolve());
  const pendingRef = useRef<Pending[]>([]);
  const selectionOrder = useRef<string[]>([]);
  const canUndoRef = useRef(false);
  const canRedoRef = useRef(false);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const commit = useCallback((next: FlowState) => {
    if (next === stateRef.current) return;
    stateRef.current = next;
    setState(next);
  }, []);

  const setUndoRedo = useCallback((u: boolean, r: boolean) => {
    canUndoRef.current = u;
    canRedoRef.current = r;
    setCanUndo(u);
    setCanRedo(r);
  }, []);

  const setLoad = useCallback((docId: string | null, status: LoadStatus, error: ApiError | null = null) => {
    statusRef.current = status;
    setLoadState({ docId, status, error });
  }, []);

  /** Re-applies the optimistic patches of calls still in flight on top of a confirmed state. */
  const withPending = useCallback((base: FlowState) => {
    let s = base;
    for (const p of pendingRef.current) if (p.optimistic) s = applyPatch(s, p.optimistic);
    return s;
  }, []);

  const load = useCallback(
    async (docId: string, token: number, initial: boolean, keepSelection = false) => {
      if (initial) setLoad(docId, "loading");
      revisionRef.current++;
      const res = await openFlow(backend, docId);
      if (token !== tokenRef.current) return;
      if (res.status === "ok") {
        let next = withPending(viewToState(normalizeView(res.data)));
        if (keepSelection) {
          const before = stateRef.current;
          next = selectOnly(
            next,
            before.nodes.filter((n) => n.selected).map((n) => n.id),
            before.edges.filter((e) => e.selected).map((e) => e.id),
          );
        }
        commit(next);
        const editsPending = pendingRef.current.some((p) => p.optimistic);
        setUndoRedo(res.data.canUndo || editsPending, editsPending ? false : res.data.canRedo);
        setLoad(docId, "ready");
        setConfirmed((c) => c + 1);
      } else {
        commit(emptyState());
        setLoad(docId, "error", res.error);
      }
    },
    [backend, commit, setLoad, setUndoRedo, withPending],
  );

  useEffect(() => {
    const token = ++tokenRef.current;
    docRef.current = documentId;
    pendingRef.current = [];
    selectionOrder.current = [];
    setSaveState("idle");
    setUndoRedo(false, false);
    commit(emptyState());
    if (!documentId) {
      setLoad(null, "none");
      return;
    }
    void load(documentId, token, true);
  }, [documentId, load, commit, setLoad, setUndoRedo]);

  const enqueue = useCallback(
    (call: (docId: string) => Promise<Result<FlowEditResult, ApiError>>, optimistic: FlowPatch | null) => {
      const docId = docRef.current;
      if (!docId) return;
      const token = tokenRef.current;
      const entry: Pending = { optimistic };
      pendingRef.current.push(entry);
      revisionRef.current++;
      setSaveState("saving");
      queueRef.current = queueRef.current.then(async () => {
        const res = await call(docId);
        if (token !== tokenRef.current) return;
        pendingRef.current = pendingRef.current.filter((p) => p !== entry);
        const idle = pendingRef.current.length === 0;
        if (res.status === "ok") {
          commit(withPending(applyPatch(stateRef.current, normalizePatch(res.data.patch))));
          const editsPending = pendingRef.current.some((p) => p.optimistic);
          setUndoRedo(res.data.canUndo || editsPending, editsPending ? false : res.data.canRedo);
          if (idle) setSaveState("saved");
          setConfirmed((c) => c + 1);
        } else {
          setSaveState("error");
          onErrorRef.current(res.error);
          // The local state may now differ from the core's: show the truth.
          await load(docId, token, false);
        }
      });
    },
    [commit, load, setUndoRedo, withPending],
  );

  const edit = useCallback(
    (ops: FlowOp[]) => {
      if (ops.length === 0 || !docRef.current || statusRef.current !== "ready") return;
      const optimistic = opsToPatch(stateRef.current, ops);
      commit(applyPatch(stateRef.current, optimistic));
      setUndoRedo(true, false);
      enqueue((docId) => editFlow(backend, docId, ops), optimistic);
    },
    [backend, commit, enqueue, setUndoRedo],
  );

  const undo = useCallback(() => {
    if (!canUndoRef.current || statusRef.current !== "ready") return;
    enqueue((docId) => undoFlow(backend, docId), null);
  }, [backend, enqueue]);

  const redo = useCallback(() => {
    if (!canRedoRef.current || statusRef.current !== "ready") return;
    enqueue((docId) => redoFlow(backend, docId), null);
  }, [backend, enqueue]);

  const reload = useCallback(() => {
    const docId = docRef.current;
    if (docId) void load(docId, tokenRef.current, true);
  }, [load]);

  // Runs after the calls already queued, so a remote change never overtakes this window's edits.
  const refresh = useCallback(() => {
    const docId = docRef.current;
    if (!docId || statusRef.current !== "ready") return;
    const token = tokenRef.current;
    queueRef.current = queueRef.current.then(() => load(docId, token, false, true));
  }, [load]);

  const update = useCallback((fn: (s: FlowState) => FlowState) => commit(fn(stateRef.current)), [commit]);

  const select = useCallback(
    (ids: readonly string[]) => {
      const known = ids.filter((id) => stateRef.current.nodeById.has(id));
      selectionOrder.current = [...known];
      commit(selectOnly(stateRef.current, known));
    },
    [commit],
  );

  const nodes = useCallback(() => [...stateRef.current.nodeById.values()], []);
  const revision = useCallback(() => revisionRef.current, []);
  const hasPending = useCallback(() => pendingRef.current.length > 0, []);

  const current = loadState.docId === documentId;
  const status: LoadStatus = current ? loadState.status : documentId ? "loading" : "none";
  const loadError = current ? loadState.error : null;

  return useMemo(
    () => ({
      documentId,
      status,
      loadError,
      state,
      saveState,
      canUndo,
      canRedo,
      edit,
      undo,
      redo,
      reload,
      refresh,
      update,
      select,
      selectionOrder,
      stateRef,
      nodes,
      confirmed,
      revision,
      hasPending,
    }),
    [documentId, status, loadError, state, saveState, canUndo, canRedo, edit, undo, redo, reload, refresh, update, select, nodes, confirmed, revision, hasPending],
  );
}
