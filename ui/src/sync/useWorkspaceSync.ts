// The open workspace's link to its server, as the UI sees it: the sync state (kept current by
// the core's events), who else is here, and the actions (connect, disconnect, sync now).

import { useCallback, useEffect, useRef, useState } from "react";
import type { Backend, CoreEvents } from "../backend";
import type { ApiError, PresencePeer_Serialize as PresencePeer, PresencePoint, SyncStatus_Serialize as SyncStatus } from "../bindings";

export type { PresencePeer, SyncStatus };

export type WorkspaceSync = {
  status: SyncStatus | null;
  /** Others in the workspace (never this laptop). */
  peers: PresencePeer[];
  /** Links the workspace to a server; resolves to the error, or null when linked. */
  connect(serverUrl: string, token: string): Promise<ApiError | null>;
  disconnect(): Promise<void>;
  syncNow(): Promise<void>;
  /** Where this person is; sent at most every PRESENCE_INTERVAL_MS, and only while linked. */
  setPresence(documentId: string | null, cursor: PresencePoint | null, selection: string[]): void;
};

export const PRESENCE_INTERVAL_MS = 80;

export function useWorkspaceSync(
  backend: Backend,
  events: CoreEvents,
  workspaceId: string | null,
  showError: (e: ApiError) => void,
): WorkspaceSync {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [peers, setPeers] = useState<PresencePeer[]>([]);
  const wsRef = useRef(workspaceId);
  wsRef.current = workspaceId;
  const linkedRef = useRef(false);
  linkedRef.current = !!status && status.state !== "offline" && status.state !== "error";

  useEffect(() => {
    setStatus(null);
    setPeers([]);
    if (!workspaceId) return;
    let gone = false;
    void backend.syncStatus(workspaceId).then((res) => {
      if (!gone && res.status === "ok") setStatus((s) => s ?? res.data);
    });
    void backend.presence(workspaceId).then((res) => {
      if (!gone && res.status === "ok") setPeers(res.data);
    });
    const off = events.subscribe((e) => {
      if (e.type === "syncStatus" && e.workspaceId === workspaceId) {
        const { type: _type, ...next } = e;
        void _type;
        setStatus(next as SyncStatus);
      } else if (e.type === "presence" && e.workspaceId === workspaceId) {
        setPeers(e.peers as PresencePeer[]);
      }
    });
    return () => {
      gone = true;
      off();
    };
  }, [backend, events, workspaceId]);

  const connect = useCallback(
    async (serverUrl: string, token: string) => {
      const ws = wsRef.current;
      if (!ws) return null;
      const res = await backend.connectWorkspace(ws, serverUrl, token);
      if (res.status !== "ok") return res.error;
      if (wsRef.current === ws) setStatus(res.data);
      return null;
    },
    [backend],
  );

  const disconnect = useCallback(async () => {
    const ws = wsRef.current;
    if (!ws) return;
    const res = await backend.disconnectWorkspace(ws);
    if (res.status !== "ok") return showError(res.error);
    if (wsRef.current === ws) {
      setStatus(res.data);
      setPeers([]);
    }
  }, [backend, showError]);

  const syncNow = useCallback(async () => {
    const ws = wsRef.current;
    if (!ws) return;
    const res = await backend.syncNow(ws);
    if (res.status !== "ok") return showError(res.error);
    if (wsRef.current === ws) setStatus(res.data);
  }, [backend, showError]);

  // Presence: the latest wins; at most one message per interval.
  const pending = useRef<{ documentId: string | null; cursor: PresencePoint | null; selection: string[] } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flush = useCallback(() => {
    timer.current = null;
    const ws = wsRef.current;
    const p = pending.current;
    pending.current = null;
    if (!ws || !p || !linkedRef.current) return;
    void backend.setPresence(ws, p.documentId, p.cursor, p.selection);
  }, [backend]);
  const setPresence = useCallback(
    (documentId: string | null, cursor: PresencePoint | null, selection: string[]) => {
      if (!linkedRef.current) return;
      pending.current = { documentId, cursor, selection };
      if (!timer.current) timer.current = setTimeout(flush, PRESENCE_INTERVAL_MS);
    },
    [flush],
  );
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return { status, peers, connect, disconnect, syncNow, setPresence };
}
