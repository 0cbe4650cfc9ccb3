// Live structural validation of the open flow: asks the core (validateFlow) when the flow opens
// and ~300 ms after its content last changed, outside the edit queue so that editing never
// waits for it. An answer is dropped when the flow changed (or another opened) meanwhile.

import { useEffect, useMemo, useRef, useState } from "react";
import type { Backend } from "../backend";
import type { ApiError } from "../bindings";
import { indexProblems, sortForDisplay, type Problem, type ProblemMark } from "./problems";
import type { FlowSession } from "./useFlowSession";
import { validateFlow } from "./flowCalls";

export const VALIDATE_DEBOUNCE_MS = 300;

/**
 * - `none`: no flow open;
 * - `pending`: the flow changed since the shown result (or was never checked yet);
 * - `ready`: the shown result is for the flow as it is;
 * - `error`: the last check failed (`error` says why); the previous result, if any, stays shown.
 */
export type ProblemsStatus = "none" | "pending" | "ready" | "error";

export type FlowProblems = {
  status: ProblemsStatus;
  /** The last result for the open flow, in reading order; null before the first one. */
  problems: Problem[] | null;
  /** Problems (code and severity) per canvas element id, built once per result. */
  index: ReadonlyMap<string, readonly ProblemMark[]>;
  error: ApiError | null;
};

type Result = {
  docId: string;
  /** session.confirmed when the check was asked for. */
  confirmed: number;
  problems: Problem[] | null;
  index: Map<string, ProblemMark[]>;
  error: ApiError | null;
};

const EMPTY_INDEX = new Map<string, ProblemMark[]>();

export function useFlowProblems(backend: Backend, session: FlowSession): FlowProblems {
  const { documentId, status, confirmed } = session;
  const [result, setResult] = useState<Result | null>(null);
  const sessionRef = useRef(session);
  sessionRef.current = session;

  useEffect(() => {
    if (!documentId || status !== "ready") return;
    let cancelled = false;
    const run = async () => {
      const s = sessionRef.current;
      // Edits are still on their way to the core: their confirmation schedules the next check.
      if (s.hasPending()) return;
      const revision = s.revision();
      const res = await validateFlow(backend, documentId);
      const now = sessionRef.current;
      if (cancelled || now.documentId !== documentId || now.revision() !== revision) return;
      if (res.status === "ok") {
        const flow = now.stateRef.current;
        setResult({
          docId: documentId,
          confirmed,
          problems: sortForDisplay(res.data, flow),
          index: indexProblems(res.data, flow),
          error: null,
        });
      } else {
        setResult((prev) => ({
          docId: documentId,
          confirmed,
          problems: prev?.docId === documentId ? prev.problems : null,
          index: prev?.docId === documentId ? prev.index : EMPTY_INDEX,
          error: res.error,
        }));
      }
    };
    // The first check of a flow that just opened runs at once; later ones once edits settle.
    const first = result?.docId !== documentId;
    const timer = setTimeout(() => void run(), first ? 0 : VALIDATE_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // `result` is read only to tell the first check from later ones: it must not re-trigger one.
  }, [backend, documentId, status, confirmed]);

  const current = result && result.docId === documentId ? result : null;
  const index = current?.index ?? EMPTY_INDEX;

  // The canvas marks follow the index (only elements whose problems changed re-render).

  let problemsStatus: ProblemsStatus = "none";
  if (documentId && status === "ready") {
    if (!current || current.confirmed !== confirmed || session.saveState === "saving") problemsStatus = "pending";
    else problemsStatus = current.error ? "error" : "ready";
  }

  return useMemo(
    () => ({ status: problemsStatus, problems: current?.problems ?? null, index, error: current?.error ?? null }),
    [problemsStatus, current, index],
  );
}
