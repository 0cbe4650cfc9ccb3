// The application shell: sidebar of workspaces and documents, top bar, and the document pane.

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { noEvents, type Backend, type CoreEvents } from "./backend";
import type { ApiError, DocumentSummary, FileFormat, WorkspaceSummary, WorkspaceView } from "./bindings";
import type { FlowEdge, FlowNode, Lane } from "./model";
import { DocumentError } from "./components/DocumentError";
import { DomainEditor, openDomainCanvas } from "./domain/DomainEditor";
import type { DomainLevel } from "./domain/domainCanvas";
import type { DomainModel } from "./domain/domainModel";
import { useDomainSession, type DomainSession } from "./domain/useDomainSession";
import { PrototypeEditor, openPrototypeCanvas } from "./prototype/PrototypeEditor";
import { playStats } from "./prototype/PlayPane";
import type { Prototype } from "./prototype/prototypeModel";
import { usePrototypeSession, type PrototypeSession } from "./prototype/usePrototypeSession";
import { ConfirmDialog } from "./components/ConfirmDialog";
import { ErrorBanner } from "./components/ErrorBanner";
import { Sidebar } from "./components/Sidebar";
import { TopBar } from "./components/TopBar";
import { useCollapse } from "./components/useCollapse";
import { openCanvas, FlowEditor, type ConfirmRequest, type FocusRequest } from "./flow/FlowEditor";
import { useFlowProblems, type FlowProblems, type ProblemsStatus } from "./flow/useFlowProblems";
import { useFlowSession, type FlowSession, type SaveState } from "./flow/useFlowSession";
import { normalizeLocale, type Locale } from "./i18n";
import { JoinDialog, SyncBadge, SyncDialog } from "./sync/SyncControls";
import { useWorkspaceSync, type PresencePeer } from "./sync/useWorkspaceSync";

/** Hooks for end-to-end tests (WebDriver): read the canvas state and drive selection. */
export type TriloopTestApi = {
  nodeCount(): number;
  edgeCount(): number;
  selectNodes(ids: string[]): void;
  nodes(): FlowNode[];
  edges(): FlowEdge[];
  lanes(): Lane[];
  saveState(): SaveState;
  /** The open flow's structural problems as last reported by the core (in list order). */
  problems(): { code: string; element: string }[];
  /** Whether problems() is up to date: "ready"; "pending" while a change is being checked. */
  problemsState(): ProblemsStatus;
  debugPanic(): Promise<void>;
  /** Selected node and edge ids. */
  selection(): string[];
  /** Where an element's centre is on screen (client coordinates), for pointer actions. */
  clientPoint(id: string): { x: number; y: number } | null;
  /** An element's box on screen (client coordinates), for pointer actions on its corners. */
  clientRect(id: string): { left: number; top: number; width: number; height: number } | null;
  /** The problem marks the canvas draws, per element. */
  problemMarks(): [string, "error" | "warning"][];
  /** Frames the canvas has painted (0 before the first). */
  framesDrawn(): number;
  /** The open canvas's viewport (screen = flow × zoom + (x, y)), or null with no canvas. */
  viewport(): { x: number; y: number; zoom: number } | null;
  /** The element under a client point (null: empty canvas, where a drag pans). */
  elementAt(x: number, y: number): string | null;
  /** The open sandbox prototype: its records, selection, problems, play mode. */
  prototype: {
    model(): Prototype;
    selection(): string[];
    select(ids: string[]): void;
    problems(): { code: string; element: string; screen: string }[];
    saveState(): string;
    playing(): boolean;
    /** Play mode's last start (ms from asking the core for the bundle to the first screen drawn). */
    playStartMs(): number | null;
    /** Asks the core for the open prototype's player bundle afresh: how long that takes (ms). */
    bundleMs(): Promise<number | null>;
    /** The playing player's walk so far. */
    walk(): { kind: string; screen: string; component: string | null; value: string | null }[];
  };
  /** The open domain model (records grouped by type), the canvas shown and its selection. */
  domain: {
    model(): DomainModel;
    level(): DomainLevel;
    selection(): string[];
    select(ids: string[]): void;
    problems(): { code: string; element: string }[];
    saveState(): SaveState;
  };
};

declare global {
  interface Window {
    __triloop?: TriloopTestApi;
  }
}

export function App({ backend, events = noEvents }: { backend: Backend; events?: CoreEvents }) {
  const { t, i18n } = useTranslation();
  const locale = normalizeLocale(i18n.language);
  const [loaded, setLoaded] = useState(false);
  const [workspaces, setWorkspaces] = useState<WorkspaceSummary[]>([]);
  const [current, setCurrent] = useState<WorkspaceView | null>(null);
  const currentRef = useRef<WorkspaceView | null>(null);
  currentRef.current = current;
  const [docId, setDocId] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  // An element to select once its document opens (a link followed from another flow).
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);

  const showError = useCallback((e: ApiError) => setError(e), []);

  const currentDoc = current?.documents.find((d) => d.id === docId) ?? null;
  const flowDocId = currentDoc?.kind === "businessFlow" ? currentDoc.id : null;
  const session = useFlowSession(backend, flowDocId, showError);
  const domainDocId = currentDoc?.kind === "domainModel" ? currentDoc.id : null;
  const domainSession = useDomainSession(backend, domainDocId, showError);
  const prototypeDocId = currentDoc?.kind === "sandboxPrototype" ? currentDoc.id : null;
  const prototypeSession = usePrototypeSession(backend, prototypeDocId, showError);
  // The top bar's save state and undo/redo are those of the open document, whatever its kind.
  const chrome = domainDocId ? domainSession : prototypeDocId ? prototypeSession : session;
  const problems = useFlowProblems(backend, session);
  const [problemsOpen, setProblemsOpen] = useState(false);
  const sync = useWorkspaceSync(backend, events, current?.id ?? null, showError);
  const [syncOpen, setSyncOpen] = useState(false);
  const [joinOpen, setJoinOpen] = useState(false);
  const [sidebarFolded, toggleSidebar] = useCollapse("sidebar");

  // Responses to an older "open workspace" request are ignored once a newer one was made.
  const openSeq = useRef(0);

  const refreshWorkspaces = useCallback(async () => {
    const res = await backend.listWorkspaces();
    if (res.status === "ok") setWorkspaces(res.data);
    else showError(res.error);
    return res.status === "ok" ? res.data : null;
  }, [backend, showError]);

  const openWorkspace = useCallback(
    async (id: string, preferDocId?: string | null) => {
      const seq = ++openSeq.current;
      const res = await backend.openWorkspace(id);
      if (seq !== openSeq.current) return;
      if (res.status !== "ok") {
        showError(res.error);
        return;
      }
      // The organisation's capability shelf is listed in a linked workspace's index so that it
      // travels with it; people reach it through the shelf panel, not as a document of its own.
      const view = { ...res.data, documents: res.data.documents.filter((d) => d.kind !== "capabilityShelf") };
      setCurrent(view);
      const docs = view.documents;
      const preferred = preferDocId !== undefined ? docs.find((d) => d.id === preferDocId) : undefined;
      const doc = preferred ?? docs.find((d) => d.kind === "businessFlow") ?? null;
      setDocId(doc?.id ?? null);
    },
    [backend, showError],
  );

  // First start: the stored language pick, then the most recent workspace and its first flow.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void (async () => {
      const info = await backend.appInfo();
      if (info.status === "ok") {
        // The person's pick wins; else the system's language as the core reads it.
        const pick = info.data.locale ?? info.data.systemLocale;
        if (pick) await i18n.changeLanguage(normalizeLocale(pick));
      } else {
        showError(info.error);
      }
      const list = await refreshWorkspaces();
      if (list && list.length > 0) await openWorkspace(list[0].id);
      setLoaded(true);
    })();
  }, [backend, i18n, openWorkspace, refreshWorkspaces, showError]);

  // Changes that came through sync: the open flow re-reads itself (keeping the selection and
  // this window's edits in flight); a changed workspace index re-lists the documents.
  const docIdRef = useRef(docId);
  docIdRef.current = docId;
  const sessionForEvents = useRef(session);
  sessionForEvents.current = session;
  const domainForEvents = useRef(domainSession);
  domainForEvents.current = domainSession;
  const prototypeForEvents = useRef(prototypeSession);
  prototypeForEvents.current = prototypeSession;
  useEffect(
    () =>
      events.subscribe((e) => {
        if (e.type !== "documentChanged") return;
        if (e.documentId === sessionForEvents.current.documentId) sessionForEvents.current.refresh();
        if (e.documentId === domainForEvents.current.documentId) domainForEvents.current.refresh();
        if (e.documentId === prototypeForEvents.current.documentId) prototypeForEvents.current.refresh();
        const ws = currentRef.current;
        if (ws && e.documentId === ws.id) {
          void openWorkspace(ws.id, docIdRef.current);
          void refreshWorkspaces();
        }
      }),
    [events, openWorkspace, refreshWorkspaces],
  );

  const onOpenWorkspace = useCallback(
    (id: string) => {
      if (current?.id === id) return;
      void openWorkspace(id);
    },
    [current, openWorkspace],
  );

  const onCreateWorkspace = useCallback(
    async (name: string) => {
      const res = await backend.createWorkspace(name);
      if (res.status !== "ok") return showError(res.error);
      await refreshWorkspaces();
      await openWorkspace(res.data.id);
    },
    [backend, openWorkspace, refreshWorkspaces, showError],
  );

  const onRenameWorkspace = useCallback(
    async (id: string, name: string) => {
      const res = await backend.renameWorkspace(id, name);
      if (res.status !== "ok") {
        showError(res.error);
        await refreshWorkspaces();
        return;
      }
      setWorkspaces((list) => list.map((w) => (w.id === id ? { ...w, name } : w)));
      setCurrent((c) => (c && c.id === id ? { ...c, name } : c));
    },
    [backend, refreshWorkspaces, showError],
  );

  const onDeleteWorkspace = useCallback(
    (ws: WorkspaceSummary) =>
      setConfirm({
        title: t("confirm.deleteWorkspaceTitle"),
        message: t("confirm.deleteWorkspace", { name: ws.name }),
        onConfirm: async () => {
          const res = await backend.deleteWorkspace(ws.id);
          if (res.status !== "ok") showError(res.error);
          const list = await refreshWorkspaces();
          if (current?.id === ws.id) {
            if (list && list.length > 0) await openWorkspace(list[0].id);
            else {
              openSeq.current++;
              setCurrent(null);
              setDocId(null);
            }
          }
        },
      }),
    [backend, current, openWorkspace, refreshWorkspaces, showError, t],
  );

  const onCreateFlow = useCallback(async () => {
    if (!current) return;
    const count = current.documents.filter((d) => d.kind === "businessFlow").length;
    const res = await backend.createDocument(current.id, "businessFlow", t("sidebar.defaultFlowTitle", { n: count + 1 }));
    if (res.status !== "ok") return showError(res.error);
    await openWorkspace(current.id, res.data.id);
    void refreshWorkspaces();
  }, [backend, current, openWorkspace, refreshWorkspaces, showError, t]);

  const onCreatePrototype = useCallback(async () => {
    if (!current) return;
    const count = current.documents.filter((d) => d.kind === "sandboxPrototype").length;
    const res = await backend.createDocument(current.id, "sandboxPrototype", t("sidebar.defaultPrototypeTitle", { n: count + 1 }));
    if (res.status !== "ok") return showError(res.error);
    await openWorkspace(current.id, res.data.id);
    void refreshWorkspaces();
  }, [backend, current, openWorkspace, refreshWorkspaces, showError, t]);

  const onCreateDomain = useCallback(async () => {
    if (!current) return;
    const count = current.documents.filter((d) => d.kind === "domainModel").length;
    const res = await backend.createDocument(current.id, "domainModel", t("sidebar.defaultDomainTitle", { n: count + 1 }));
    if (res.status !== "ok") return showError(res.error);
    await openWorkspace(current.id, res.data.id);
    void refreshWorkspaces();
  }, [backend, current, openWorkspace, refreshWorkspaces, showError, t]);

  const importPath = useCallback(
    async (format: FileFormat, path: string) => {
      const ws = currentRef.current;
      if (!ws) return;
      const res = format === "bpmn" ? await backend.importBpmnFile(ws.id, path) : await backend.importCmlFile(ws.id, path);
      if (res.status !== "ok") return showError(res.error);
      await openWorkspace(ws.id, res.data.id);
      void refreshWorkspaces();
    },
    [backend, openWorkspace, refreshWorkspaces, showError],
  );

  const onImport = useCallback(
    async (format: FileFormat) => {
      const chosen = await backend.chooseOpenFile(format);
      if (chosen.status !== "ok") return showError(chosen.error);
      if (chosen.data) await importPath(format, chosen.data);
    },
    [backend, importPath, showError],
  );
  const onImportBpmn = useCallback(() => void onImport("bpmn"), [onImport]);
  const onImportCml = useCallback(() => void onImport("cml"), [onImport]);

  // A .bpmn or .cml file dropped onto the window imports like "Import BPMN…" (desktop only: the
  // webview hands over file paths, a plain browser does not).
  const importRef = useRef(importPath);
  importRef.current = importPath;
  useEffect(() => {
    if (!("__TAURI_INTERNALS__" in window)) return;
    let unlisten: (() => void) | undefined;
    let gone = false;
    void import("@tauri-apps/api/webview").then(async ({ getCurrentWebview }) => {
      const off = await getCurrentWebview().onDragDropEvent((event) => {
        if (event.payload.type !== "drop") return;
        for (const path of event.payload.paths) {
          if (/\.(bpmn|bpmn2|xml)$/i.test(path)) void importRef.current("bpmn", path);
          else if (/\.cml$/i.test(path)) void importRef.current("cml", path);
        }
      });
      if (gone) off();
      else unlisten = off;
    });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, []);

  const onRenameDocument = useCallback(
    async (id: string, title: string) => {
      if (!current) return;
      const res = await backend.renameDocument(current.id, id, title);
      if (res.status !== "ok") return showError(res.error);
      setCurrent((c) => (c ? { ...c, documents: c.documents.map((d) => (d.id === id ? { ...d, title } : d)) } : c));
    },
    [backend, current, showError],
  );

  const onDeleteDocument = useCallback(
    (doc: DocumentSummary) =>
      setConfirm({
        title: t("confirm.deleteDocumentTitle"),
        message: t("confirm.deleteDocument", { name: doc.title }),
        onConfirm: async () => {
          if (!current) return;
          const res = await backend.deleteDocument(current.id, doc.id);
          if (res.status !== "ok") showError(res.error);
          await openWorkspace(current.id, docId === doc.id ? undefined : docId);
          void refreshWorkspaces();
        },
      }),
    [backend, current, docId, openWorkspace, refreshWorkspaces, showError, t],
  );

  const onOpenDocument = useCallback((id: string) => {
    setFocusRequest(null);
    setDocId(id);
  }, []);

  // Follows a link into another document of the open workspace.
  const onOpenElement = useCallback(
    (documentId: string, elementId: string) => {
      const doc = current?.documents.find((d) => d.id === documentId);
      if (!doc) {
        showError({ code: "notFound", detail: `document ${documentId} is not in this workspace` });
        return;
      }
      setFocusRequest({ documentId, elementId });
      setDocId(documentId);
    },
    [current, showError],
  );
  const onFocusHandled = useCallback(() => setFocusRequest(null), []);

  const onLocale = useCallback(
    async (next: Locale) => {
      await i18n.changeLanguage(next);
      const res = await backend.setLocale(next);
      if (res.status !== "ok") showError(res.error);
    },
    [backend, i18n, showError],
  );

  // Test hooks (kept stable across renders; they read the latest session through a ref).
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const problemsRef = useRef(problems);
  problemsRef.current = problems;
  const domainRef = useRef(domainSession);
  domainRef.current = domainSession;
  const prototypeRef = useRef(prototypeSession);
  prototypeRef.current = prototypeSession;
  useEffect(() => {
    // Whichever canvas is open: a flow's or a domain model's.
    const canvasView = () => openCanvas.view ?? openDomainCanvas.view ?? openPrototypeCanvas.view;
    const api: TriloopTestApi = {
      nodeCount: () => sessionRef.current.stateRef.current.nodes.length,
      edgeCount: () => sessionRef.current.stateRef.current.edges.length,
      selectNodes: (ids) => {
        sessionRef.current.select(ids);
        document.querySelector<HTMLElement>('[data-testid="canvas"]')?.focus({ preventScroll: true });
      },
      nodes: () => sessionRef.current.nodes(),
      edges: () => [...sessionRef.current.stateRef.current.edgeById.values()],
      lanes: () => [...sessionRef.current.stateRef.current.lanes],
      saveState: () => sessionRef.current.saveState,
      problems: () => (problemsRef.current.problems ?? []).map((p) => ({ code: p.code, element: p.element })),
      problemsState: () => problemsRef.current.status,
      debugPanic: async () => {
        const res = await backend.debugPanic();
        if (res.status !== "ok") showError(res.error);
      },
      selection: () => {
        const st = sessionRef.current.stateRef.current;
        return [...st.nodes.filter((n) => n.selected).map((n) => n.id), ...st.edges.filter((e) => e.selected).map((e) => e.id)];
      },
      clientPoint: (id) => {
        const r = canvasView()?.nodeRectOnScreen(id);
        return r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
      },
      clientRect: (id) => {
        const r = canvasView()?.nodeRectOnScreen(id);
        return r ? { left: r.left, top: r.top, width: r.width, height: r.height } : null;
      },
      problemMarks: () => [...(openCanvas.view ? openCanvas.marks : openDomainCanvas.marks)],
      framesDrawn: () => canvasView()?.redrawCount() ?? 0,
      viewport: () => canvasView()?.getViewport() ?? null,
      elementAt: (x, y) => canvasView()?.elementAt(x, y) ?? null,
      prototype: {
        model: () => prototypeRef.current.model,
        selection: () => [...openPrototypeCanvas.selection],
        select: (ids) => {
          openPrototypeCanvas.select?.(ids);
          document.querySelector<HTMLElement>('[data-testid="canvas"]')?.focus({ preventScroll: true });
        },
        problems: () => prototypeRef.current.problems.map((p) => ({ code: p.code, element: p.element, screen: p.screen })),
        saveState: () => prototypeRef.current.saveState,
        playing: () => openPrototypeCanvas.playing,
        playStartMs: () => playStats.startMs,
        bundleMs: async () => {
          const id = prototypeRef.current.documentId;
          if (!id) return null;
          const t0 = performance.now();
          const res = await backend.prototypePlayerBundle(id, 1);
          return res.status === "ok" ? Math.round(performance.now() - t0) : null;
        },
        walk: () => (playStats.handle ? playStats.handle.walk().map((w) => ({ kind: w.kind, screen: w.screen, component: w.component ?? null, value: w.value ?? null })) : []),
      },
      domain: {
        model: () => domainRef.current.model,
        level: () => openDomainCanvas.level,
        selection: () => [...openDomainCanvas.selection],
        select: (ids) => {
          openDomainCanvas.select?.(ids);
          document.querySelector<HTMLElement>('[data-testid="canvas"]')?.focus({ preventScroll: true });
        },
        problems: () => domainRef.current.problems.map((p) => ({ code: p.code, element: p.element })),
        saveState: () => domainRef.current.saveState,
      },
    };
    window.__triloop = api;
    return () => {
      if (window.__triloop === api) delete window.__triloop;
    };
  }, [backend, showError]);

  const requestConfirm = useCallback((request: ConfirmRequest) => setConfirm(request), []);

  const docPeers = useMemo(() => sync.peers.filter((p) => p.documentId === docId), [sync.peers, docId]);
  const setPresence = sync.setPresence;
  const onPresence = useCallback(
    (cursor: { x: number; y: number } | null, selection: string[]) => setPresence(docId, cursor, selection),
    [setPresence, docId],
  );
  // Opening another document moves this person there for the others.
  useEffect(() => setPresence(docId, null, []), [setPresence, docId]);

  const onJoined = useCallback(
    async (ws: WorkspaceSummary) => {
      setJoinOpen(false);
      await refreshWorkspaces();
      await openWorkspace(ws.id);
    },
    [openWorkspace, refreshWorkspaces],
  );

  return (
    <div className="app">
      <TopBar
        workspaceName={current?.name ?? null}
        documentTitle={currentDoc?.title ?? null}
        saveState={chrome.saveState}
        canUndo={chrome.canUndo}
        canRedo={chrome.canRedo}
        locale={locale}
        onUndo={chrome.undo}
        onRedo={chrome.redo}
        onLocale={onLocale}
        syncArea={current ? <SyncBadge sync={sync} onOpen={() => setSyncOpen(true)} /> : null}
      />
      <div className={`body${sidebarFolded ? " sidebar-folded" : ""}`}>
        <Sidebar
          folded={sidebarFolded}
          onToggleFold={toggleSidebar}
          workspaces={workspaces}
          current={current}
          currentDocId={docId}
          onOpenWorkspace={onOpenWorkspace}
          onCreateWorkspace={onCreateWorkspace}
          onJoinWorkspace={() => setJoinOpen(true)}
          onRenameWorkspace={onRenameWorkspace}
          onDeleteWorkspace={onDeleteWorkspace}
          onOpenDocument={onOpenDocument}
          onCreateFlow={onCreateFlow}
          onCreateDomain={onCreateDomain}
          onCreatePrototype={onCreatePrototype}
          onImportBpmn={onImportBpmn}
          onImportCml={onImportCml}
          onRenameDocument={onRenameDocument}
          onDeleteDocument={onDeleteDocument}
        />
        <main className="main">
          {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
          <DocumentPane
            backend={backend}
            loaded={loaded}
            workspace={current}
            doc={currentDoc}
            session={session}
            domainSession={domainSession}
            prototypeSession={prototypeSession}
            problems={problems}
            problemsOpen={problemsOpen}
            onProblemsOpen={setProblemsOpen}
            requestConfirm={requestConfirm}
            showError={showError}
            onOpenElement={onOpenElement}
            focusRequest={focusRequest}
            onFocusHandled={onFocusHandled}
            peers={docPeers}
            onPresence={onPresence}
            readOnly={!!sync.status?.readOnly}
          />
        </main>
      </div>
      {syncOpen && current && (
        <SyncDialog backend={backend} workspaceId={current.id} workspaceName={current.name} sync={sync} onClose={() => setSyncOpen(false)} />
      )}
      {joinOpen && <JoinDialog backend={backend} onJoined={(ws) => void onJoined(ws)} onClose={() => setJoinOpen(false)} />}
      {confirm && (
        <ConfirmDialog
          title={confirm.title}
          message={confirm.message}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            confirm.onConfirm();
          }}
        />
      )}
    </div>
  );
}

type PaneProps = {
  backend: Backend;
  loaded: boolean;
  workspace: WorkspaceView | null;
  doc: DocumentSummary | null;
  session: FlowSession;
  domainSession: DomainSession;
  prototypeSession: PrototypeSession;
  problems: FlowProblems;
  problemsOpen: boolean;
  onProblemsOpen(open: boolean): void;
  requestConfirm(request: ConfirmRequest): void;
  showError(error: ApiError): void;
  onOpenElement(documentId: string, elementId: string): void;
  focusRequest: FocusRequest | null;
  onFocusHandled(): void;
  peers: PresencePeer[];
  onPresence(cursor: { x: number; y: number } | null, selection: string[]): void;
  readOnly: boolean;
};

function DocumentPane({ backend, loaded, workspace, doc, session, domainSession, prototypeSession, problems, peers: _peers, onPresence: _onPresence, ...editor }: PaneProps) {
  const { t } = useTranslation();
  if (!loaded && !doc) return <PaneMessage text={t("canvas.loading")} />;
  if (!workspace) return <PaneMessage text={t("canvas.noWorkspace")} />;
  if (!doc) return <PaneMessage text={t("canvas.noDocument")} />;
  if (doc.kind === "domainModel") {
    return <DomainEditor key={doc.id} backend={backend} workspaceId={workspace.id} documentTitle={doc.title} session={domainSession} {...editor} />;
  }
  if (doc.kind === "sandboxPrototype") {
    return (
      <PrototypeEditor
        key={doc.id}
        backend={backend}
        workspaceId={workspace.id}
        documents={workspace.documents}
        documentTitle={doc.title}
        session={prototypeSession}
        showError={editor.showError}
        readOnly={editor.readOnly}
      />
    );
  }
  if (doc.kind !== "businessFlow") {
    return <PaneMessage text={t("canvas.unsupportedKind", { kind: t(`docKind.${doc.kind}`) })} />;
  }
  if (session.status === "error" && session.loadError) {
    return <DocumentError title={doc.title} error={session.loadError} onRetry={session.reload} />;
  }
  if (session.status !== "ready") return <PaneMessage text={t("canvas.loading")} />;
  return (
    <FlowEditor
      key={doc.id}
      backend={backend}
      workspaceId={workspace.id}
      documentTitle={doc.title}
      session={session}
      problems={problems}
      peers={_peers}
      onPresence={_onPresence}
      {...editor}
    />
  );
}

function PaneMessage({ text }: { text: string }) {
  return (
    <div className="pane-center">
      <p className="pane-message">{text}</p>
    </div>
  );
}
