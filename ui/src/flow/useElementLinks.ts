// The links of one element (outgoing and backlinks), fetched from the core when the element is
// selected and again on refresh() (after an add or a removal). Answers for an element that is no
// longer the asked one are dropped.

import { useCallback, useEffect, useRef, useState } from "react";
import type { Backend } from "../backend";
import type { ApiError } from "../bindings";
import { sortLinks, type ResolvedLink } from "./links";

/** Selection can sweep across nodes (a marquee, quick clicks): ask only once it settles. */
const SETTLE_MS = 60;

export type ElementLinks = {
  /** Null until the first answer for this element arrives. */
  links: ResolvedLink[] | null;
  error: ApiError | null;
  refresh(): Promise<void>;
};

export function useElementLinks(backend: Backend, workspaceId: string, documentId: string, elementId: string): ElementLinks {
  const key = `${workspaceId}\u0000${documentId}\u0000${elementId}`;
  const [answer, setAnswer] = useState<{ key: string; links: ResolvedLink[] | null; error: ApiError | null }>({
    key: "",
    links: null,
    error: null,
  });
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++seq.current;
    const res = await backend.linksOf(workspaceId, documentId, elementId);
    if (mine !== seq.current) return;
    if (res.status === "ok") setAnswer({ key, links: sortLinks(res.data), error: null });
    else setAnswer((a) => ({ key, links: a.key === key ? a.links : null, error: res.error }));
  }, [backend, key, workspaceId, documentId, elementId]);

  useEffect(() => {
    const timer = setTimeout(() => void refresh(), SETTLE_MS);
    return () => {
      clearTimeout(timer);
      // An answer still on its way belongs to the previous element.
      seq.current++;
    };
  }, [refresh]);

  const current = answer.key === key;
  return { links: current ? answer.links : null, error: current ? answer.error : null, refresh };
}
