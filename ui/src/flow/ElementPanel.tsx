// The element panel: docked right of the canvas while exactly one node is selected. It names the
// element (name, kind, id) and lists its typed links (traceability), outgoing and incoming, with
// a form to add one. Links are fetched for the selected element only; targets when the form opens.

import { memo, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError, LinkKind, LinkTarget } from "../bindings";
import { CheckIcon, CloseIcon, CopyIcon, LinkIcon, PlusIcon, TrashIcon } from "../components/icons";
import type { FlowEdge, FlowNode, FlowOp } from "../model";
import { PropertiesSection } from "./PropertiesSection";
import { NODE_KINDS } from "./kinds";
import { DEFAULT_LINK_KIND, LINK_KINDS, filterTargets, otherEnd, type OtherEnd, type ResolvedLink } from "./links";
import { useElementLinks } from "./useElementLinks";

type Props = {
  backend: Backend;
  workspaceId: string;
  documentId: string;
  node: FlowNode;
  /** The node's outgoing sequence flows, for conditions and the default flow. */
  outgoing: { edge: FlowEdge; targetName: string }[];
  /** Applies an edit to the open flow (one undo step). */
  onEdit(ops: FlowOp[]): void;
  onClose(): void;
  /** Go to the other end of a link (select it here, or open its document). */
  onOpenLink(end: OtherEnd): void;
  showError(error: ApiError): void;
};

/** Translated element kind; kinds this UI does not know yet are shown as the core names them. */
function useKindLabel() {
  const { t } = useTranslation();
  return (kind: string) => ((NODE_KINDS as readonly string[]).includes(kind) ? t(`nodeKind.${kind}`) : kind);
}

export const ElementPanel = memo(function ElementPanel({
  backend,
  workspaceId,
  documentId,
  node,
  outgoing,
  onEdit,
  onClose,
  onOpenLink,
  showError,
}: Props) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  return (
    <aside className="element-panel" data-testid="element-panel" data-element-id={node.id} aria-label={t("element.panelLabel")}>
      <header className="element-panel-header">
        <span className="element-kind" data-testid="element-kind">
          {kindLabel(node.kind)}
        </span>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="icon-button"
          data-testid="element-panel-close"
          title={t("element.close")}
          aria-label={t("element.close")}
          onClick={onClose}
        >
          <CloseIcon size={14} />
        </button>
      </header>
      <div className="element-panel-body">
        <h2 className={`element-name${node.name ? "" : " is-unnamed"}`} data-testid="element-name">
          {node.name || t("element.unnamed")}
        </h2>
        <ElementId id={node.id} />
        <PropertiesSection node={node} outgoing={outgoing} onEdit={onEdit} />

        <LinksSection
          backend={backend}
          workspaceId={workspaceId}
          documentId={documentId}
          elementId={node.id}
          onOpenLink={onOpenLink}
          showError={showError}
        />
      </div>
    </aside>
  );
});

type LinksProps = {
  backend: Backend;
  workspaceId: string;
  documentId: string;
  elementId: string;
  /** Go to the other end of a link (select it here, or open its document). */
  onOpenLink(end: OtherEnd): void;
  showError(error: ApiError): void;
};

/**
 * The typed links of one element, outgoing and incoming ("what uses this?"), with the form to
 * add one: the same section in every kind's element panel.
 */
export function LinksSection({ backend, workspaceId, documentId, elementId, onOpenLink, showError }: LinksProps) {
  const { t } = useTranslation();
  const { links, error, refresh } = useElementLinks(backend, workspaceId, documentId, elementId);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<ReadonlySet<string>>(new Set());
  const addButton = useRef<HTMLButtonElement>(null);

  const remove = async (r: ResolvedLink) => {
    setRemoving((s) => new Set(s).add(r.link.id));
    const res = await backend.removeLink(r.fromDocument, r.link.id);
    if (res.status !== "ok") showError(res.error);
    await refresh();
    setRemoving((s) => {
      const next = new Set(s);
      next.delete(r.link.id);
      return next;
    });
  };

  const closeForm = () => {
    setAdding(false);
    addButton.current?.focus({ preventScroll: true });
  };

  return (
    <section className="links-section" aria-labelledby="links-title">
      <div className="links-header">
        <LinkIcon size={14} />
        <h3 id="links-title" className="links-title">
          {t("links.title")}
        </h3>
        {links && links.length > 0 && <span className="problems-count">{links.length}</span>}
        <span className="toolbar-spacer" />
        {!adding && (
          <button type="button" className="text-button" data-testid="add-link" ref={addButton} onClick={() => setAdding(true)}>
            <PlusIcon size={13} />
            {t("links.add")}
          </button>
        )}
      </div>
      {adding && (
        <AddLinkForm
          backend={backend}
          workspaceId={workspaceId}
          documentId={documentId}
          elementId={elementId}
          existing={links ?? []}
          showError={showError}
          onCancel={closeForm}
          onAdded={async () => {
            closeForm();
            await refresh();
          }}
        />
      )}
      {error && !links && (
        <p className="links-error" data-testid="links-error" data-code={error.code}>
          {t("links.failed")} {t(`error.${error.code}`)}
        </p>
      )}
      {!links && !error && <p className="links-empty">{t("links.loading")}</p>}
      {links && links.length === 0 && (
        <p className="links-empty" data-testid="links-empty">
          {t("links.none")}
        </p>
      )}
      {links && links.length > 0 && (
        <ul className="links-list" data-testid="links-list">
          {links.map((r) => (
            <LinkItem
              key={`${r.link.id}:${r.incoming}`}
              link={r}
              currentDocument={documentId}
              busy={removing.has(r.link.id)}
              onOpen={onOpenLink}
              onRemove={remove}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

export function ElementId({ id }: { id: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
      setCopied(true);
    } catch {
      // No clipboard (an insecure context): select the text so that Ctrl+C copies it.
      const el = document.querySelector('[data-testid="element-id"]');
      const range = document.createRange();
      if (el) {
        range.selectNodeContents(el);
        window.getSelection()?.removeAllRanges();
        window.getSelection()?.addRange(range);
      }
    }
  };
  return (
    <div className="element-id-row">
      <span className="element-id-label">{t("element.id")}</span>
      <code className="element-id" data-testid="element-id" title={id}>
        {id}
      </code>
      <button
        type="button"
        className="icon-button element-id-copy"
        data-testid="element-id-copy"
        title={copied ? t("element.copied") : t("element.copyId")}
        aria-label={t("element.copyId")}
        onClick={() => void copy()}
      >
        {copied ? <CheckIcon size={13} /> : <CopyIcon size={13} />}
      </button>
    </div>
  );
}

type ItemProps = {
  link: ResolvedLink;
  currentDocument: string;
  busy: boolean;
  onOpen(end: OtherEnd): void;
  onRemove(link: ResolvedLink): void;
};

function LinkItem({ link, currentDocument, busy, onOpen, onRemove }: ItemProps) {
  const { t } = useTranslation();
  const end = otherEnd(link);
  const phrase = link.incoming ? t(`links.reverse.${link.link.kind}`) : t(`links.kind.${link.link.kind}`);
  const name = end.missing ? t("links.unknownElement") : end.name || t("element.unnamed");
  const docTitle = end.documentTitle ?? t("links.unknownDocument");
  const here = end.documentId === currentDocument;
  const tag = end.missing ? (link.incoming ? t("links.sourceDeleted") : t("links.broken")) : null;
  return (
    <li
      className={`link-item${end.missing ? " is-broken" : ""}`}
      data-testid="link-item"
      data-link-id={link.link.id}
      data-kind={link.link.kind}
      data-incoming={String(link.incoming)}
      data-broken={String(link.broken)}
    >
      <button
        type="button"
        className="link-open"
        data-testid="link-open"
        disabled={end.missing}
        title={end.missing ? (tag ?? undefined) : here ? t("links.goTo", { name }) : t("links.openIn", { name, title: docTitle })}
        onClick={() => onOpen(end)}
      >
        <span className={`link-kind${link.incoming ? " is-incoming" : ""}`} data-testid="link-kind">
          {phrase}
        </span>
        <span className="link-target">
          <span className="link-name" data-testid="link-other-name">
            {name}
          </span>
          <span className="link-doc" data-testid="link-other-document">
            {docTitle}
            {here && <span className="link-here"> · {t("links.thisFlow")}</span>}
          </span>
        </span>
        {tag && (
          <span className="link-broken-tag" data-testid="link-broken-tag">
            {tag}
          </span>
        )}
      </button>
      <button
        type="button"
        className="icon-button danger link-remove"
        data-testid="link-remove"
        title={t("links.remove")}
        aria-label={t("links.remove")}
        disabled={busy}
        onClick={() => onRemove(link)}
      >
        <TrashIcon size={14} />
      </button>
    </li>
  );
}

type FormProps = {
  backend: Backend;
  workspaceId: string;
  documentId: string;
  elementId: string;
  existing: readonly ResolvedLink[];
  showError(error: ApiError): void;
  onCancel(): void;
  onAdded(): void;
};

function AddLinkForm({ backend, workspaceId, documentId, elementId, existing, showError, onCancel, onAdded }: FormProps) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const [kind, setKind] = useState<LinkKind>(DEFAULT_LINK_KIND);
  const [query, setQuery] = useState("");
  const [targets, setTargets] = useState<LinkTarget[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [picked, setPicked] = useState<LinkTarget | null>(null);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    void backend.linkTargets(workspaceId).then((res) => {
      if (!live) return;
      if (res.status === "ok") setTargets(res.data);
      else {
        setFailed(true);
        showError(res.error);
      }
    });
    return () => {
      live = false;
    };
  }, [backend, workspaceId, showError]);

  const filtered = useMemo(
    () => filterTargets(targets ?? [], query, { documentId, elementId }),
    [targets, query, documentId, elementId],
  );
  const flat = useMemo(() => filtered.groups.flatMap((g) => g.targets), [filtered]);
  const activeIndex = Math.min(active, Math.max(flat.length - 1, 0));

  useEffect(() => {
    listRef.current
      ?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`)
      ?.scrollIntoView?.({ block: "nearest" });
  }, [activeIndex]);

  const duplicate =
    !!picked &&
    existing.some(
      (r) => !r.incoming && r.link.kind === kind && r.link.toDocument === picked.documentId && r.link.toElement === picked.elementId,
    );

  const submit = async () => {
    if (!picked || busy || duplicate) return;
    setBusy(true);
    const res = await backend.addLink(workspaceId, documentId, elementId, kind, picked.documentId, picked.elementId);
    setBusy(false);
    if (res.status === "ok") onAdded();
    else showError(res.error);
  };

  const onSearchKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive(Math.max(0, Math.min(flat.length - 1, activeIndex + step)));
    } else if (e.key === "Enter") {
      e.preventDefault();
      const candidate = flat[activeIndex];
      if (candidate && candidate !== picked) setPicked(candidate);
      else void submit();
    } else if (e.key === "Escape") {
      e.preventDefault();
      onCancel();
    }
  };

  const same = (a: LinkTarget | null, b: LinkTarget) => !!a && a.documentId === b.documentId && a.elementId === b.elementId;
  let index = 0;

  return (
    <form
      className="link-form"
      data-testid="link-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="link-field">
        <span className="link-field-label">{t("links.kindLabel")}</span>
        <select
          className="link-select"
          data-testid="link-kind-select"
          value={kind}
          onChange={(e) => setKind(e.target.value as LinkKind)}
        >
          {LINK_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`links.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="link-field">
        <span className="link-field-label">{t("links.targetLabel")}</span>
        <input
          className="link-search"
          type="search"
          data-testid="link-target-search"
          placeholder={t("links.searchPlaceholder")}
          value={query}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onSearchKey}
        />
      </label>
      <div className="link-targets" ref={listRef} role="listbox" aria-label={t("links.targetLabel")} data-testid="link-targets">
        {!targets && !failed && <p className="link-targets-note">{t("links.loading")}</p>}
        {failed && <p className="link-targets-note">{t("links.targetsFailed")}</p>}
        {targets && filtered.total === 0 && <p className="link-targets-note">{t("links.noTargets")}</p>}
        {filtered.groups.map((g) => (
          <div key={g.documentId} role="group" aria-label={g.documentTitle} className="link-target-group">
            <div className="link-target-group-title">
              {g.documentTitle}
              {g.documentId === documentId && <span className="link-here"> · {t("links.thisFlow")}</span>}
            </div>
            {g.targets.map((target) => {
              const i = index++;
              const isPicked = same(picked, target);
              return (
                <button
                  type="button"
                  role="option"
                  key={target.elementId}
                  aria-selected={isPicked}
                  className={`link-target-option${isPicked ? " is-picked" : ""}${i === activeIndex ? " is-active" : ""}`}
                  data-testid="link-target-option"
                  data-document-id={target.documentId}
                  data-element-id={target.elementId}
                  data-index={i}
                  tabIndex={-1}
                  onMouseEnter={() => setActive(i)}
                  onClick={() => {
                    setPicked(target);
                    setActive(i);
                  }}
                >
                  <span className="link-target-name">{target.name || t("element.unnamed")}</span>
                  <span className="link-target-kind">{kindLabel(target.elementKind)}</span>
                  {isPicked && <CheckIcon size={13} />}
                </button>
              );
            })}
          </div>
        ))}
        {filtered.total > filtered.shown && (
          <p className="link-targets-note">{t("links.moreTargets", { count: filtered.total - filtered.shown })}</p>
        )}
      </div>
      {picked && (
        <p className="link-picked" data-testid="link-target-picked">
          <span className={`link-kind`}>{t(`links.kind.${kind}`)}</span>
          <span className="link-picked-name">{picked.name || t("element.unnamed")}</span>
          <span className="link-picked-doc">{picked.documentTitle}</span>
        </p>
      )}
      {duplicate && <p className="link-duplicate">{t("links.duplicate")}</p>}
      <div className="link-form-actions">
        <button type="button" className="button button-small" data-testid="link-cancel" onClick={onCancel}>
          {t("links.cancel")}
        </button>
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="link-submit"
          disabled={!picked || busy || duplicate}
        >
          {t("links.submit")}
        </button>
      </div>
    </form>
  );
}
