// Sync in the window: the state badge with the people here (top bar), the workspace's server
// dialog (connect with an invitation, sync now, disconnect), and the "join a workspace" dialog.

import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError, MeetingRoom_Serialize as MeetingRoom, WorkspaceSummary } from "../bindings";
import type { Backend } from "../backend";
import type { PresencePeer, SyncStatus, WorkspaceSync } from "./useWorkspaceSync";

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = [...words[0]][0];
  // A Chinese name shows its first character; a Latin one the initials of up to two words.
  if (/[\u3400-\u9fff]/.test(first)) return first;
  const second = words[1] ? [...words[1]][0] : "";
  return (first + (/[A-Za-z]/.test(second) ? second : "")).toUpperCase();
}

export function PeopleHere({ peers }: { peers: PresencePeer[] }) {
  const { t } = useTranslation();
  if (peers.length === 0) return null;
  return (
    <span className="people-here" data-testid="people-here" aria-label={t("sync.peopleHere", { count: peers.length })}>
      {peers.slice(0, 6).map((p) => (
        <span key={p.peerId} className="person-avatar" style={{ background: p.color }} title={p.name} data-testid="person" data-name={p.name}>
          {initials(p.name)}
        </span>
      ))}
      {peers.length > 6 && <span className="person-more">+{peers.length - 6}</span>}
    </span>
  );
}

export function SyncBadge({ sync, onOpen }: { sync: WorkspaceSync; onOpen(): void }) {
  const { t } = useTranslation();
  const state = sync.status?.state ?? "offline";
  const linked = !!sync.status?.serverUrl;
  const label = linked ? t(`sync.state.${state}`) : t("sync.localOnly");
  const title = [label, sync.status?.serverUrl, sync.status?.detail].filter(Boolean).join(" · ");
  return (
    <span className="sync-area">
      <PeopleHere peers={sync.peers} />
      <button
        type="button"
        className={`sync-badge sync-${linked ? state : "local"}`}
        data-testid="sync-status"
        data-state={state}
        title={title}
        onClick={onOpen}
      >
        <span className="sync-dot" aria-hidden="true" />
        {label}
      </button>
    </span>
  );
}

function Dialog({ title, testId, onClose, children }: { title: string; testId: string; onClose(): void; children: ReactNode }) {
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Escape") onClose();
      }}
    >
      <div className="dialog dialog-wide" role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

function ErrorLine({ error }: { error: ApiError | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid="sync-error" data-code={error.code}>
      {t(`error.${error.code}`)} {error.detail && <span className="form-error-detail">{error.detail}</span>}
    </p>
  );
}

/** Server address and invitation, as a form. */
function ServerForm({
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
  initialServer,
}: {
  submitLabel: string;
  busyLabel: string;
  onSubmit(server: string, token: string): Promise<ApiError | null>;
  onCancel(): void;
  initialServer?: string | null;
}) {
  const { t } = useTranslation();
  const [server, setServer] = useState(initialServer ?? "");
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const failed = await onSubmit(server.trim(), token.trim());
    setBusy(false);
    if (failed) setError(failed);
  };
  return (
    <form className="server-form" onSubmit={submit}>
      <label>
        <span>{t("sync.serverAddress")}</span>
        <input
          ref={first}
          data-testid="sync-server"
          value={server}
          placeholder="wss://triloop.bank.example"
          onChange={(e) => setServer(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <label>
        <span>{t("sync.invitation")}</span>
        <input
          data-testid="sync-token"
          value={token}
          placeholder={t("sync.invitationPlaceholder")}
          onChange={(e) => setToken(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <ErrorLine error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t("confirm.cancel")}
        </button>
        <button type="submit" className="button button-primary" data-testid="sync-submit" disabled={busy || !server.trim() || !token.trim()}>
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}

function formatTime(ms: number | null, locale: string): string | null {
  if (ms === null) return null;
  return new Date(ms).toLocaleString(locale);
}

/** The open workspace's server: its state, and connect / sync now / disconnect. */
export function SyncDialog({
  backend,
  workspaceId,
  workspaceName,
  sync,
  onClose,
}: {
  backend: Backend;
  workspaceId: string;
  workspaceName: string;
  sync: WorkspaceSync;
  onClose(): void;
}) {
  const { t, i18n } = useTranslation();
  const status: SyncStatus | null = sync.status;
  const [editing, setEditing] = useState(false);
  const linked = !!status?.serverUrl;
  return (
    <Dialog title={t("sync.title", { name: workspaceName })} testId="sync-dialog" onClose={onClose}>
      {linked && !editing && status && (
        <>
          <dl className="sync-facts">
            <dt>{t("sync.stateLabel")}</dt>
            <dd data-testid="sync-dialog-state" data-state={status.state}>
              <span className={`sync-badge sync-${status.state}`}>
                <span className="sync-dot" aria-hidden="true" />
                {t(`sync.state.${status.state}`)}
              </span>
              {status.detail && <span className="sync-detail">{status.detail}</span>}
            </dd>
            <dt>{t("sync.serverAddress")}</dt>
            <dd className="mono">{status.serverUrl}</dd>
            <dt>{t("sync.person")}</dt>
            <dd>
              {status.person}
              {status.readOnly && <span className="tag">{t("sync.readOnly")}</span>}
            </dd>
            <dt>{t("sync.lastSynced")}</dt>
            <dd data-testid="sync-last">{formatTime(status.lastSyncedAt, i18n.language) ?? t("sync.never")}</dd>
            <dt>{t("sync.people")}</dt>
            <dd>{sync.peers.length === 0 ? t("sync.nobodyElse") : sync.peers.map((p) => p.name).join("、")}</dd>
          </dl>
          <p className="dialog-hint">{t("sync.offlineHint")}</p>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => setEditing(true)}>
              {t("sync.otherServer")}
            </button>
            {status.state !== "offline" && status.state !== "error" ? (
              <button type="button" className="button" data-testid="sync-disconnect" onClick={() => void sync.disconnect()}>
                {t("sync.disconnect")}
              </button>
            ) : null}
            <button type="button" className="button button-primary" data-testid="sync-now" onClick={() => void sync.syncNow()}>
              {t("sync.syncNow")}
            </button>
            <button type="button" className="button" data-testid="sync-close" onClick={onClose}>
              {t("sync.close")}
            </button>
          </div>
        </>
      )}
      {(!linked || editing) && (
        <>
          <p className="dialog-hint">{t("sync.connectHint")}</p>
          <p className="dialog-hint">
            {t("sync.workspaceId")} <code data-testid="sync-workspace-id">{workspaceId}</code>
          </p>
          <ServerForm
            submitLabel={t("sync.connect")}
            busyLabel={t("sync.connecting")}
            initialServer={status?.serverUrl}
            onCancel={linked ? () => setEditing(false) : onClose}
            onSubmit={async (server, token) => {
              const failed = await sync.connect(server, token);
              if (!failed) setEditing(false);
              return failed;
            }}
          />
        </>
      )}
      <MeetingRoomSection backend={backend} workspaceId={workspaceId} />
    </Dialog>
  );
}

/**
 * Meeting-room mode: host the workspace on this laptop for the others on the local network
 * (no internet needed); invitations for them; closing the room goes back to the previous server.
 */
function MeetingRoomSection({ backend, workspaceId }: { backend: Backend; workspaceId: string }) {
  const { t } = useTranslation();
  const [room, setRoom] = useState<MeetingRoom | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState("");
  const [readOnly, setReadOnly] = useState(false);
  useEffect(() => {
    let gone = false;
    void backend.meetingRoom().then((res) => {
      if (!gone) setRoom(res.status === "ok" ? res.data : null);
    });
    return () => {
      gone = true;
    };
  }, [backend]);
  const run = useCallback(async <T,>(call: () => Promise<{ status: "ok"; data: T } | { status: "error"; error: ApiError }>, then: (data: T) => void) => {
    setBusy(true);
    setError(null);
    const res = await call();
    setBusy(false);
    if (res.status === "ok") then(res.data);
    else setError(res.error);
  }, []);
  if (room === undefined) return null;
  const here = room && room.workspaceId === workspaceId ? room : null;
  return (
    <section className="meeting-room" data-testid="meeting-room">
      <h3>{t("meeting.title")}</h3>
      {!room && (
        <>
          <p className="dialog-hint">{t("meeting.hint")}</p>
          <button
            type="button"
            className="button"
            data-testid="meeting-start"
            disabled={busy}
            onClick={() => void run(() => backend.startMeetingRoom(workspaceId), setRoom)}
          >
            {busy ? t("meeting.starting") : t("meeting.start")}
          </button>
        </>
      )}
      {room && !here && <p className="dialog-hint">{t("meeting.otherWorkspace")}</p>}
      {here && (
        <>
          <p className="dialog-hint">{t("meeting.open")}</p>
          <ul className="meeting-addresses">
            {here.addresses.map((a) => (
              <li key={a}>
                <code data-testid="meeting-address">{a}</code>
              </li>
            ))}
          </ul>
          <form
            className="meeting-invite"
            onSubmit={(e) => {
              e.preventDefault();
              void run(
                () => backend.inviteToMeetingRoom(name.trim(), readOnly),
                (inv) => {
                  setRoom({ ...here, invitations: [...here.invitations, inv] });
                  setName("");
                },
              );
            }}
          >
            <input
              data-testid="meeting-name"
              value={name}
              placeholder={t("meeting.namePlaceholder")}
              onChange={(e) => setName(e.target.value)}
            />
            <label className="checkbox">
              <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
              {t("sync.readOnly")}
            </label>
            <button type="submit" className="button" data-testid="meeting-invite" disabled={busy || !name.trim()}>
              {t("meeting.invite")}
            </button>
          </form>
          {here.invitations.length > 0 && (
            <table className="meeting-invitations">
              <tbody>
                {here.invitations.map((inv) => (
                  <tr key={inv.token} data-testid="meeting-invitation" data-name={inv.name}>
                    <td>
                      {inv.name}
                      {inv.readOnly && <span className="tag">{t("sync.readOnly")}</span>}
                    </td>
                    <td>
                      <code data-testid="meeting-token">{inv.token}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="dialog-hint">
            {here.previousServer ? t("meeting.backTo", { server: here.previousServer }) : t("meeting.backToLocal")}
          </p>
          <button
            type="button"
            className="button"
            data-testid="meeting-stop"
            disabled={busy}
            onClick={() => void run(() => backend.stopMeetingRoom(), () => setRoom(null))}
          >
            {t("meeting.stop")}
          </button>
        </>
      )}
      <ErrorLine error={error} />
    </section>
  );
}

/** Joins a workspace that lives on a server (an invitation from its admin). */
export function JoinDialog({ backend, onJoined, onClose }: { backend: Backend; onJoined(ws: WorkspaceSummary): void; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Dialog title={t("sync.joinTitle")} testId="join-dialog" onClose={onClose}>
      <p className="dialog-hint">{t("sync.joinHint")}</p>
      <ServerForm
        submitLabel={t("sync.join")}
        busyLabel={t("sync.joining")}
        onCancel={onClose}
        onSubmit={async (server, token) => {
          const res = await backend.joinWorkspace(server, token);
          if (res.status !== "ok") return res.error;
          onJoined(res.data);
          return null;
        }}
      />
    </Dialog>
  );
}
