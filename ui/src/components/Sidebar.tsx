// The left sidebar: workspaces (专题) and, under the open one, its documents. On a narrow
// window (or by the person's choice) it folds to a strip of icons that keeps the same
// commands: open a workspace or a document, new flow, import BPMN, join; renaming and
// deleting need the full sidebar (the strip's toggle brings it back).

import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { DocumentSummary, WorkspaceSummary, WorkspaceView } from "../bindings";
import { InlineInput } from "./InlineInput";
import { DocIcon, FlowDocIcon, FolderIcon, ImportIcon, JoinIcon, PencilIcon, PlusIcon, TrashIcon } from "./icons";
import { PaneToggle } from "./PaneToggle";

type Props = {
  workspaces: WorkspaceSummary[];
  current: WorkspaceView | null;
  currentDocId: string | null;
  onOpenWorkspace(id: string): void;
  onCreateWorkspace(name: string): void;
  /** Opens the dialog that joins a workspace from a server. */
  onJoinWorkspace(): void;
  onRenameWorkspace(id: string, name: string): void;
  onDeleteWorkspace(workspace: WorkspaceSummary): void;
  onOpenDocument(id: string): void;
  onCreateFlow(): void;
  onCreateDomain(): void;
  onCreatePrototype(): void;
  onImportBpmn(): void;
  onImportCml(): void;
  onRenameDocument(id: string, title: string): void;
  onDeleteDocument(doc: DocumentSummary): void;
  /** Shown as a strip of icons. */
  folded?: boolean;
  onToggleFold?(): void;
};

/** The first letter (or Chinese character) of a name, for a workspace's button in the strip. */
export function monogram(name: string): string {
  const first = Array.from(name.trim())[0] ?? "?";
  return first.toLocaleUpperCase();
}

/** A command in the folded sidebar: an icon, with its name as the tooltip and accessible name. */
function RailButton({ testId, label, title, icon, onClick }: { testId: string; label: string; title?: string; icon: ReactNode; onClick(): void }) {
  return (
    <button type="button" className="icon-button rail-button" data-testid={testId} title={title ?? label} aria-label={label} onClick={onClick}>
      {icon}
    </button>
  );
}

function FoldedSidebar(props: Props) {
  const { t } = useTranslation();
  const { workspaces, current, currentDocId } = props;
  return (
    <nav className="sidebar is-folded" aria-label={t("sidebar.workspaces")} data-testid="sidebar" data-folded="true">
      {props.onToggleFold && (
        <PaneToggle testId="sidebar-toggle" folded label={t("sidebar.expand")} className="icon-button rail-button" onToggle={props.onToggleFold} />
      )}
      <div className="rail-group">
        {workspaces.map((ws) => (
          <button
            key={ws.id}
            type="button"
            className={`rail-button rail-monogram${current?.id === ws.id ? " is-active" : ""}`}
            data-testid="workspace-item"
            data-workspace-id={ws.id}
            aria-current={current?.id === ws.id ? "true" : undefined}
            title={`${ws.name} · ${t("sidebar.documentCount", { count: ws.documentCount })}`}
            aria-label={ws.name}
            onClick={() => props.onOpenWorkspace(ws.id)}
          >
            {monogram(ws.name)}
          </button>
        ))}
        <RailButton testId="join-workspace" label={t("sidebar.joinWorkspace")} onClick={props.onJoinWorkspace} icon={<JoinIcon />} />
      </div>
      {current && (
        <div className="rail-group">
          {current.documents.map((doc) => (
            <button
              key={doc.id}
              type="button"
              className={`icon-button rail-button${doc.id === currentDocId ? " is-active" : ""}`}
              data-testid="document-item"
              data-document-id={doc.id}
              data-kind={doc.kind}
              aria-current={doc.id === currentDocId ? "page" : undefined}
              title={`${t(`docKind.${doc.kind}`)}: ${doc.title}`}
              aria-label={doc.title}
              onClick={() => props.onOpenDocument(doc.id)}
            >
              {doc.kind === "businessFlow" ? <FlowDocIcon /> : <DocIcon />}
            </button>
          ))}
          <RailButton testId="new-flow" label={t("sidebar.newFlow")} onClick={props.onCreateFlow} icon={<PlusIcon />} />
          <RailButton testId="new-domain" label={t("sidebar.newDomain")} onClick={props.onCreateDomain} icon={<PlusIcon />} />
          <RailButton testId="new-prototype" label={t("sidebar.newPrototype")} onClick={props.onCreatePrototype} icon={<PlusIcon />} />
          <RailButton
            testId="import-bpmn"
            label={t("bpmnFile.importBpmn")}
            title={t("bpmnFile.importBpmnHint")}
            onClick={props.onImportBpmn}
            icon={<ImportIcon />}
          />
          <RailButton
            testId="import-cml"
            label={t("domain.importCml")}
            title={t("domain.importCmlHint")}
            onClick={props.onImportCml}
            icon={<ImportIcon />}
          />
        </div>
      )}
    </nav>
  );
}

export function Sidebar(props: Props) {
  return props.folded ? <FoldedSidebar {...props} /> : <FullSidebar {...props} />;
}

function FullSidebar(props: Props) {
  const { t } = useTranslation();
  const { workspaces, current, currentDocId } = props;
  const [creating, setCreating] = useState(false);
  const [renamingWorkspace, setRenamingWorkspace] = useState<string | null>(null);
  const [renamingDocument, setRenamingDocument] = useState<string | null>(null);

  return (
    <nav className="sidebar" aria-label={t("sidebar.workspaces")} data-testid="sidebar" data-folded="false">
      <div className="sidebar-section-header">
        {props.onToggleFold && <PaneToggle testId="sidebar-toggle" folded={false} label={t("sidebar.collapse")} onToggle={props.onToggleFold} />}
        <span>{t("sidebar.workspaces")}</span>
        <button
          type="button"
          className="icon-button"
          data-testid="new-workspace"
          title={t("sidebar.newWorkspace")}
          aria-label={t("sidebar.newWorkspace")}
          onClick={() => {
            setRenamingWorkspace(null);
            setCreating(true);
          }}
        >
          <PlusIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="join-workspace"
          title={t("sidebar.joinWorkspace")}
          aria-label={t("sidebar.joinWorkspace")}
          onClick={props.onJoinWorkspace}
        >
          <JoinIcon />
        </button>
      </div>
      <ul className="workspace-list">
        {creating && (
          <li className="workspace-row is-editing">
            <FolderIcon />
            <InlineInput
              testId="workspace-name-input"
              initial={t("sidebar.defaultWorkspaceName")}
              placeholder={t("sidebar.workspaceNamePlaceholder")}
              ariaLabel={t("sidebar.workspaceNamePlaceholder")}
              onCommit={(name) => {
                setCreating(false);
                props.onCreateWorkspace(name);
              }}
              onCancel={() => setCreating(false)}
            />
          </li>
        )}
        {workspaces.length === 0 && !creating && <li className="sidebar-empty">{t("sidebar.noWorkspaces")}</li>}
        {workspaces.map((ws) => {
          const active = current?.id === ws.id;
          return (
            <li key={ws.id} className={`workspace-entry${active ? " is-active" : ""}`}>
              {renamingWorkspace === ws.id ? (
                <div className="workspace-row is-editing">
                  <FolderIcon />
                  <InlineInput
                    testId="workspace-name-input"
                    initial={ws.name}
                    placeholder={t("sidebar.workspaceNamePlaceholder")}
                    ariaLabel={t("sidebar.workspaceNamePlaceholder")}
                    onCommit={(name) => {
                      setRenamingWorkspace(null);
                      if (name !== ws.name) props.onRenameWorkspace(ws.id, name);
                    }}
                    onCancel={() => setRenamingWorkspace(null)}
                  />
                </div>
              ) : (
                <div className="workspace-row">
                  <button
                    type="button"
                    className="row-main"
                    data-testid="workspace-item"
                    data-workspace-id={ws.id}
                    aria-current={active ? "true" : undefined}
                    title={`${ws.name} · ${t("sidebar.documentCount", { count: ws.documentCount })}`}
                    onClick={() => props.onOpenWorkspace(ws.id)}
                    onDoubleClick={() => setRenamingWorkspace(ws.id)}
                  >
                    <FolderIcon />
                    <span className="row-label">{ws.name}</span>
                  </button>
                  <span className="row-actions">
                    <button
                      type="button"
                      className="icon-button"
                      data-testid="workspace-rename"
                      title={t("sidebar.rename")}
                      aria-label={t("sidebar.rename")}
                      onClick={() => {
                        setCreating(false);
                        setRenamingWorkspace(ws.id);
                      }}
                    >
                      <PencilIcon />
                    </button>
                    <button
                      type="button"
                      className="icon-button danger"
                      data-testid="workspace-delete"
                      title={t("sidebar.delete")}
                      aria-label={t("sidebar.delete")}
                      onClick={() => props.onDeleteWorkspace(ws)}
                    >
                      <TrashIcon />
                    </button>
                  </span>
                </div>
              )}
              {active && current && (
                <div className="documents">
                  <div className="documents-header">
                    <span>{t("sidebar.documents")}</span>
                    <button
                      type="button"
                      className="text-button"
                      data-testid="new-flow"
                      title={t("sidebar.newFlow")}
                      onClick={props.onCreateFlow}
                    >
                      <PlusIcon size={14} />
                      {t("sidebar.newFlow")}
                    </button>
                    <button
                      type="button"
                      className="text-button"
                      data-testid="new-domain"
                      title={t("sidebar.newDomainHint")}
                      onClick={props.onCreateDomain}
                    >
                      <PlusIcon size={14} />
                      {t("sidebar.newDomain")}
                    </button>
                    <button
                      type="button"
                      className="text-button"
                      data-testid="new-prototype"
                      title={t("sidebar.newPrototypeHint")}
                      onClick={props.onCreatePrototype}
                    >
                      <PlusIcon size={14} />
                      {t("sidebar.newPrototype")}
                    </button>
                    <button
                      type="button"
                      className="text-button"
                      data-testid="import-bpmn"
                      title={t("bpmnFile.importBpmnHint")}
                      onClick={props.onImportBpmn}
                    >
                      {t("bpmnFile.importBpmn")}
                    </button>
                    <button
                      type="button"
                      className="text-button"
                      data-testid="import-cml"
                      title={t("domain.importCmlHint")}
                      onClick={props.onImportCml}
                    >
                      {t("domain.importCml")}
                    </button>
                  </div>
                  <ul className="document-list">
                    {current.documents.length === 0 && <li className="sidebar-empty">{t("sidebar.noDocuments")}</li>}
                    {current.documents.map((doc) => (
                      <li key={doc.id} className={`document-row${doc.id === currentDocId ? " is-active" : ""}`}>
                        {renamingDocument === doc.id ? (
                          <div className="workspace-row is-editing">
                            <FlowDocIcon />
                            <InlineInput
                              testId="document-name-input"
                              initial={doc.title}
                              placeholder={t("sidebar.documentTitlePlaceholder")}
                              ariaLabel={t("sidebar.documentTitlePlaceholder")}
                              onCommit={(title) => {
                                setRenamingDocument(null);
                                if (title !== doc.title) props.onRenameDocument(doc.id, title);
                              }}
                              onCancel={() => setRenamingDocument(null)}
                            />
                          </div>
                        ) : (
                          <div className="workspace-row">
                            <button
                              type="button"
                              className="row-main"
                              data-testid="document-item"
                              data-document-id={doc.id}
                              data-kind={doc.kind}
                              aria-current={doc.id === currentDocId ? "page" : undefined}
                              title={`${t(`docKind.${doc.kind}`)}: ${doc.title}`}
                              onClick={() => props.onOpenDocument(doc.id)}
                              onDoubleClick={() => setRenamingDocument(doc.id)}
                            >
                              {doc.kind === "businessFlow" ? <FlowDocIcon /> : <DocIcon />}
                              <span className="row-label">{doc.title}</span>
                            </button>
                            <span className="row-actions">
                              <button
                                type="button"
                                className="icon-button"
                                data-testid="document-rename"
                                title={t("sidebar.rename")}
                                aria-label={t("sidebar.rename")}
                                onClick={() => setRenamingDocument(doc.id)}
                              >
                                <PencilIcon />
                              </button>
                              <button
                                type="button"
                                className="icon-button danger"
                                data-testid="document-delete"
                                title={t("sidebar.delete")}
                                aria-label={t("sidebar.delete")}
                                onClick={() => props.onDeleteDocument(doc)}
                              >
                                <TrashIcon />
                              </button>
                            </span>
                          </div>
                        )}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
