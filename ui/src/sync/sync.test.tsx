// Sync in the window, against the in-memory backend with a scripted event source: the state
// badge follows the core's events, the server dialog connects and reports errors, others'
// cursors and selections are drawn, and a document changed through sync re-reads itself.

import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { guardBackend, type Backend, type CoreEvents } from "../backend";
import type { CoreEvent, MeetingRoom_Serialize as MeetingRoom, SyncStatus_Serialize as SyncStatus } from "../bindings";
import i18n from "../i18n";
import { memoryBackend } from "../memoryBackend";
import { editFlow } from "../flow/flowCalls";

function scriptedEvents() {
  const listeners = new Set<(e: CoreEvent) => void>();
  const source: CoreEvents = {
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const emit = (e: CoreEvent) => act(() => listeners.forEach((l) => l(e)));
  return { source, emit };
}

function triloop() {
  const api = window.__triloop;
  if (!api) throw new Error("window.__triloop missing");
  return api;
}

async function start(override: (b: Backend) => Partial<Backend> = () => ({})) {
  const inner = memoryBackend({ demo: true });
  const backend = guardBackend({ ...inner, ...override(inner) } as Backend);
  const events = scriptedEvents();
  render(<App backend={backend} events={events.source} />);
  await screen.findByTestId("canvas");
  await waitFor(() => expect(triloop().nodeCount()).toBeGreaterThan(0));
  const list = await inner.listWorkspaces();
  if (list.status !== "ok") throw new Error("no workspaces");
  return { inner, events, workspaceId: list.data[0].id };
}

function openDocId(): string {
  const el = document.querySelector<HTMLElement>('[data-testid="document-item"][aria-current="page"]');
  if (!el?.dataset.documentId) throw new Error("no open document");
  return el.dataset.documentId;
}

function status(workspaceId: string, state: SyncStatus["state"], extra: Partial<SyncStatus> = {}): CoreEvent {
  return {
    type: "syncStatus",
    workspaceId,
    serverUrl: "ws://127.0.0.1:8787/sync",
    person: "Alice",
    readOnly: false,
    state,
    detail: null,
    lastSyncedAt: null,
    ...extra,
  };
}

afterEach(async () => {
  await act(() => i18n.changeLanguage("en"));
});

describe("sync in the window", () => {
  it("shows a local workspace as local, then follows the core's sync states", async () => {
    const { events, workspaceId } = await start();
    const badge = screen.getByTestId("sync-status");
    expect(badge.textContent).toBe("On this laptop only");
    events.emit(status(workspaceId, "connecting"));
    expect(badge.textContent).toBe("Connecting…");
    events.emit(status(workspaceId, "upToDate"));
    expect(badge.textContent).toBe("Up to date");
    expect(badge.dataset.state).toBe("upToDate");
    // Another workspace's state does not touch this badge.
    events.emit(status("other", "error"));
    expect(badge.dataset.state).toBe("upToDate");
    await act(() => i18n.changeLanguage("zh-CN"));
    expect(badge.textContent).toBe("已同步");
    events.emit(status(workspaceId, "error", { detail: "the server refused the invitation (revoked or unknown)" }));
    expect(badge.textContent).toBe("同步出错");
    expect(badge.title).toContain("revoked");
  });

  it("connects through the dialog and shows why a connection failed", async () => {
    let calls: [string, string][] = [];
    const { workspaceId } = await start(() => ({
      connectWorkspace: async (ws: string, server: string, token: string) => {
        calls.push([server, token]);
        if (token === "bad") return { status: "error", error: { code: "unauthorized", detail: "revoked" } };
        return { status: "ok", data: { ...(status(ws, "connecting") as SyncStatus), workspaceId: ws } };
      },
    }));
    fireEvent.click(screen.getByTestId("sync-status"));
    const dialog = screen.getByTestId("sync-dialog");
    expect(within(dialog).getByTestId("sync-workspace-id").textContent).toBe(workspaceId);
    fireEvent.change(within(dialog).getByTestId("sync-server"), { target: { value: " ws://127.0.0.1:8787 " } });
    fireEvent.change(within(dialog).getByTestId("sync-token"), { target: { value: "bad" } });
    fireEvent.click(within(dialog).getByTestId("sync-submit"));
    const error = await within(dialog).findByTestId("sync-error");
    expect(error.dataset.code).toBe("unauthorized");
    expect(error.textContent).toContain("does not accept this invitation");
    fireEvent.change(within(dialog).getByTestId("sync-token"), { target: { value: "good" } });
    fireEvent.click(within(dialog).getByTestId("sync-submit"));
    await within(dialog).findByTestId("sync-dialog-state");
    expect(calls).toEqual([
      ["ws://127.0.0.1:8787", "bad"],
      ["ws://127.0.0.1:8787", "good"],
    ]);
    expect(screen.getByTestId("sync-status").dataset.state).toBe("connecting");
    calls = [];
  });

  it("the in-memory backend says it has no server", async () => {
    await start();
    fireEvent.click(screen.getByTestId("join-workspace"));
    const dialog = screen.getByTestId("join-dialog");
    fireEvent.change(within(dialog).getByTestId("sync-server"), { target: { value: "ws://127.0.0.1:1" } });
    fireEvent.change(within(dialog).getByTestId("sync-token"), { target: { value: "x" } });
    fireEvent.click(within(dialog).getByTestId("sync-submit"));
    const error = await within(dialog).findByTestId("sync-error");
    expect(error.dataset.code).toBe("unreachable");
  });

  it("draws others' cursors and selections on the flow they have open", async () => {
    const { events, workspaceId } = await start();
    const nodes = triloop().nodes();
    const docId = openDocId();
    expect(screen.queryByTestId("presence-layer")).toBeNull();
    events.emit({
      type: "presence",
      workspaceId,
      peers: [
        { peerId: "p1", name: "王经理", color: "#d9480f", documentId: docId, cursor: { x: 10, y: 20 }, selection: [nodes[0].id] },
        { peerId: "p2", name: "Elsewhere", color: "#1c7ed6", documentId: "another-doc", cursor: { x: 0, y: 0 }, selection: [] },
      ],
    });
    const people = screen.getAllByTestId("person").map((p) => p.dataset.name);
    expect(people).toEqual(["王经理", "Elsewhere"]);
    const remote = screen.getAllByTestId("remote-person");
    expect(remote.map((r) => r.dataset.name)).toEqual(["王经理"]);
    expect(within(remote[0]).getByTestId("remote-cursor")).toBeTruthy();
    // Selections are outlined where the canvas can place the node (jsdom has no layout:
    // the outline appears only if the canvas reports a box, so check the cursor's name).
    expect(within(remote[0]).getByTestId("remote-cursor").textContent).toBe("王经理");
    events.emit({ type: "presence", workspaceId, peers: [] });
    expect(screen.queryByTestId("presence-layer")).toBeNull();
    expect(screen.queryAllByTestId("person")).toHaveLength(0);
  });

  it("re-reads the open flow when it changed through sync, keeping the selection", async () => {
    const { inner, events } = await start();
    const docId = openDocId();
    const first = triloop().nodes()[0];
    act(() => triloop().selectNodes([first.id]));
    // Someone else renames a node: the core's document changes without this window's doing.
    await editFlow(inner, docId, [{ op: "renameNode", id: first.id, name: "远端改名" }]);
    expect(triloop().nodes()[0].name).toBe(first.name);
    events.emit({ type: "documentChanged", documentId: docId });
    await waitFor(() => expect(triloop().nodes().find((n) => n.id === first.id)?.name).toBe("远端改名"));
    expect(triloop().selection()).toEqual([first.id]);
  });
});

describe("meeting room", () => {
  it("opens, invites and closes a meeting room from the server dialog", async () => {
    const calls: string[] = [];
    let room: MeetingRoom | null = null;
    const { workspaceId } = await start(() => ({
      meetingRoom: async () => ({ status: "ok", data: room }),
      startMeetingRoom: async (ws: string) => {
        calls.push(`start ${ws}`);
        room = { workspaceId: ws, port: 8788, addresses: ["ws://192.168.1.20:8788"], invitations: [], previousServer: "wss://triloop.bank.example/sync" };
        return { status: "ok", data: room };
      },
      inviteToMeetingRoom: async (name: string, readOnly: boolean) => {
        calls.push(`invite ${name} ${readOnly}`);
        return { status: "ok", data: { name, token: "tok-" + name, readOnly } };
      },
      stopMeetingRoom: async () => {
        calls.push("stop");
        room = null;
        return { status: "ok", data: status(workspaceId, "connecting") as SyncStatus };
      },
    }));
    fireEvent.click(screen.getByTestId("sync-status"));
    const section = await screen.findByTestId("meeting-room");
    fireEvent.click(within(section).getByTestId("meeting-start"));
    await within(section).findByTestId("meeting-address");
    expect(within(section).getByTestId("meeting-address").textContent).toBe("ws://192.168.1.20:8788");
    expect(section.textContent).toContain("goes back to wss://triloop.bank.example/sync");
    fireEvent.change(within(section).getByTestId("meeting-name"), { target: { value: " 李娜 " } });
    fireEvent.click(within(section).getByTestId("meeting-invite"));
    const row = await within(section).findByTestId("meeting-invitation");
    expect(row.dataset.name).toBe("李娜");
    expect(within(row).getByTestId("meeting-token").textContent).toBe("tok-李娜");
    fireEvent.click(within(section).getByTestId("meeting-stop"));
    await within(section).findByTestId("meeting-start");
    expect(calls).toEqual([`start ${workspaceId}`, "invite 李娜 false", "stop"]);
  });
});
