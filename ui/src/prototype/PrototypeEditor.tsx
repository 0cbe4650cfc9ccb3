// The sandbox prototype's editor (沙箱原型): the storyboard (screens as device frames with their
// components, navigation as arrows) on the one canvas engine with the prototype's shape set,
// the capability shelf as its palette (ShelfPanel), the element panel (names, texts, bindings to
// the workspace's domain models, actions), the problems list, exports, and play mode (the
// player of assets/player/player.js mounted over the board with the core's PlayerBundle).
//
// Gestures become record ops (one list per action, one undo step); placing a shelf part is the
// core's own edit (place_shelf_part), sent in order with the rest.

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type {
  ActionStep_Serialize as ActionStep,
  ApiError,
  ComponentKind,
  Device,
  DocumentSummary,
  DomainModel_Serialize as DomainModel,
  PlayerBundle_Serialize as PlayerBundle,
  ShelfPart_Serialize as ShelfPart,
} from "../bindings";
import { FlowCanvas, renderPng, renderSvg, type FlowCanvasHandle } from "../canvas";
import { DocumentError } from "../components/DocumentError";
import { useEditorKeys } from "../components/useEditorKeys";
import { fileName } from "../flow/ExportButtons";
import { OverflowToolbar, ToolButton, type ItemMode, type ToolbarItem } from "../flow/OverflowToolbar";
import { newId } from "../ids";
import { PlayPane } from "./PlayPane";
import { ElementPanel, type DomainDocs } from "./PrototypePanel";
import {
  CONTAINER_KINDS,
  actionRecord,
  componentRecord,
  flowOf,
  freshName,
  indexPrototype,
  newComponent,
  newScreen,
  nextScreenPlace,
  orderAfterAll,
  orderAt,
  screenAt,
  screenRecord,
  storyboardCanvas,
  subtree,
  walkRecord,
  type Component,
  type Prototype,
  type PrototypeOp,
} from "./prototypeModel";
import { prototypeShapes } from "./prototypeShapes";
import { ShelfPanel } from "./ShelfPanel";
import type { PrototypeSession } from "./usePrototypeSession";

const PNG_SCALE = 2;
const NO_LANES: never[] = [];
const DEVICES: Device[] = ["phone", "tablet", "desktop", "custom"];

/** The open prototype's canvas, for the test hooks (window.__triloop). */
export const openPrototypeCanvas: {
  view: FlowCanvasHandle | null;
  selection: ReadonlySet<string>;
  select: ((ids: string[]) => void) | null;
  playing: boolean;
} = { view: null, selection: new Set(), select: null, playing: false };

type Props = {
  backend: Backend;
  workspaceId: string;
  documents: DocumentSummary[];
  documentTitle: string;
  session: PrototypeSession;
  showError(error: ApiError): void;
  readOnly?: boolean;
};

export function PrototypeEditor({ backend, documents, documentTitle, session, showError, readOnly }: Props) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const { model, documentId } = session;
  const view = useRef<FlowCanvasHandle>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [device, setDevice] = useState<Device>("phone");
  const [domains, setDomains] = useState<DomainDocs>(new Map());
  const [shelfKey, setShelfKey] = useState(0);
  const clipboard = useRef<Component[]>([]);
  // The player's bundle, asked of the core once edits have settled, so that play mode starts at
  // once: kept with the model it was built from (a newer model asks again when play starts).
  const prefetched = useRef<{ model: Prototype; bundle: PlayerBundle } | null>(null);

  const ix = useMemo(() => indexPrototype(model), [model]);
  const ixRef = useRef(ix);
  ixRef.current = ix;
  const modelRef = useRef(model);
  modelRef.current = model;

  // The workspace's domain models, for bindings and command steps.
  const domainIds = documents.filter((d) => d.kind === "domainModel").map((d) => d.id).join(",");
  useEffect(() => {
    let alive = true;
    void (async () => {
      const out: DomainDocs = new Map();
      for (const d of documents.filter((x) => x.kind === "domainModel")) {
        const res = await backend.openDocument(d.id);
        if (res.status === "ok" && res.data.content.kind === "domainModel") out.set(d.id, { title: d.title, model: res.data.content.content as DomainModel });
      }
      if (alive) setDomains(out);
    })();
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend, domainIds]);

  const entityName = useCallback((doc: string, id: string) => domains.get(doc)?.model.elements.find((e) => e.id === id)?.name ?? null, [domains]);
  const attributeName = useCallback((doc: string, id: string) => domains.get(doc)?.model.attributes.find((a) => a.id === id)?.name ?? null, [domains]);
  const canvas = useMemo(() => storyboardCanvas(model, ix, t, entityName, attributeName), [model, ix, t, entityName, attributeName]);
  const canvasRef = useRef(canvas);
  canvasRef.current = canvas;

  const shownSelection = useMemo(() => {
    const present = new Set([...canvas.nodes.map((n) => n.id), ...canvas.edges.map((e) => e.id)]);
    return new Set([...selection].filter((id) => present.has(id)));
  }, [selection, canvas]);
  openPrototypeCanvas.selection = shownSelection;
  openPrototypeCanvas.playing = playing;
  useEffect(() => {
    openPrototypeCanvas.select = (ids) => setSelection(new Set(ids));
    return () => {
      openPrototypeCanvas.select = null;
      openPrototypeCanvas.view = null;
    };
  }, []);
  useEffect(() => {
    openPrototypeCanvas.view = view.current;
  });

  useEffect(() => {
    if (!documentId || session.status !== "ready" || session.saveState === "saving" || playing) return;
    const forModel = model;
    let alive = true;
    const timer = window.setTimeout(async () => {
      const res = await backend.prototypePlayerBundle(documentId, 1);
      if (alive && res.status === "ok" && modelRef.current === forModel) prefetched.current = { model: forModel, bundle: res.data };
    }, 600);
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
  }, [backend, documentId, model, playing, session.saveState, session.status]);

  // Frame the board once it is there.
  const framed = useRef(false);
  useEffect(() => {
    if (framed.current || canvas.nodes.length === 0) return;
    framed.current = true;
    requestAnimationFrame(() => view.current?.fitView(0.06));
  }, [canvas.nodes.length]);

  const edit = useCallback(
    (ops: PrototypeOp[]) => {
      if (readOnly || ops.length === 0) return;
      session.edit(ops);
    },
    [readOnly, session],
  );

  const flash = useCallback((text: string) => {
    setNotice(text);
    window.setTimeout(() => setNotice((n) => (n === text ? null : n)), 4000);
  }, []);

  // --- where things go ---

  /** The screen (and container) new things go to: the selected one's, else the first screen. */
  const target = useCallback((): { screen: string; parent: string | null } | null => {
    const ix = ixRef.current;
    for (const id of shownSelection) {
      if (ix.screen.has(id)) return { screen: id, parent: null };
      const c = ix.component.get(id);
      if (c) return { screen: c.screen, parent: CONTAINER_KINDS.has(c.kind) ? c.id : c.parent };
    }
    const first = modelRef.current.screens[0];
    return first ? { screen: first.id, parent: null } : null;
  }, [shownSelection]);

  /** The innermost container component at a point of a screen. */
  const containerAt = useCallback((screen: string, x: number, y: number): Component | null => {
    const ix = ixRef.current;
    let best: Component | null = null;
    for (const c of modelRef.current.components) {
      if (c.screen !== screen || !CONTAINER_KINDS.has(c.kind) || c.kind === "list") continue;
      const r = ix.box.get(c.id);
      if (!r || x < r.x || y < r.y || x > r.x + r.w || y > r.y + r.h) continue;
      const br = best ? ix.box.get(best.id) : null;
      if (!br || r.w * r.h < br.w * br.h) best = c;
    }
    return best;
  }, []);

  const addScreen = useCallback(() => {
    const m = modelRef.current;
    const at = nextScreenPlace(m);
    const s = newScreen(newId(), freshName(m.screens.map((x) => x.name), t("prototype.newScreenName")), device, at.x, at.y);
    if (m.screens.length === 0) s.start = true;
    edit([{ op: "add", record: screenRecord(s) }]);
    setSelection(new Set([s.id]));
    requestAnimationFrame(() => view.current?.focusElement(s.id));
  }, [device, edit, t]);

  const placePart = useCallback(
    (part: ShelfPart, at?: { x: number; y: number }) => {
      if (readOnly || !documentId) return;
      const m = modelRef.current;
      let screen: string | null = null;
      let parent: string | null = null;
      let x: number | null = null;
      let y: number | null = null;
      if (at) {
        const s = screenAt(m, at.x, at.y);
        if (!s) return flash(t("prototype.dropOnScreen"));
        screen = s.id;
        const c = containerAt(s.id, at.x, at.y);
        const origin = c ? ixRef.current.box.get(c.id)! : { x: s.x, y: s.y };
        parent = c ? c.id : null;
        x = Math.round(at.x - origin.x);
        y = Math.round(at.y - origin.y);
      } else {
        const tg = target();
        if (!tg) return flash(t("prototype.addScreenFirst"));
        screen = tg.screen;
        parent = tg.parent;
        // Below what is already there (a stack, form or card lays it out itself).
        const sibs = ixRef.current.children.get(parent ?? `screen:${screen}`) ?? [];
        x = 16;
        y = sibs.length ? Math.max(...sibs.map((c) => c.y + c.h)) + 12 : 16;
      }
      const [px, py] = [x ?? 16, y ?? 16];
      session.run(() => backend.placeShelfPart(documentId, part.part.id, screen!, parent, px, py));
    },
    [backend, containerAt, documentId, flash, readOnly, session, t, target],
  );

  // --- canvas gestures ---

  const onMoveNodes = useCallback(
    (moves: { id: string; x: number; y: number }[]) => {
      const ix = ixRef.current;
      const m = modelRef.current;
      const movedScreens = new Set(moves.filter((mv) => ix.screen.has(mv.id)).map((mv) => mv.id));
      const moved = new Set(moves.map((mv) => mv.id));
      const ops: PrototypeOp[] = [];
      for (const mv of moves) {
        const s = ix.screen.get(mv.id);
        if (s) {
          ops.push({ op: "update", record: screenRecord({ ...s, x: mv.x, y: mv.y }) });
          continue;
        }
        const c = ix.component.get(mv.id);
        if (!c || movedScreens.has(c.screen) || (c.parent && moved.has(c.parent))) continue;
        const box = ix.box.get(c.id)!;
        const cx = mv.x + box.w / 2;
        const cy = mv.y + box.h / 2;
        const parent = c.parent ? ix.component.get(c.parent) : undefined;
        if (parent && flowOf(parent)) {
          // In a stack, form, card or list: moving reorders (they reflow).
          const pr = ix.box.get(parent.id)!;
          if (cx >= pr.x && cx <= pr.x + pr.w && cy >= pr.y && cy <= pr.y + pr.h) {
            ops.push({ op: "update", record: componentRecord({ ...c, order: orderAt(ix, parent, c.id, cx, cy) }) });
            continue;
          }
        }
        // Free placement, possibly onto another screen or out of its container.
        const onto = screenAt(m, cx, cy) ?? ix.screen.get(c.screen)!;
        const into = containerAt(onto.id, cx, cy);
        const newParent = into && !subtree(ix, c.id).includes(into.id) ? into : null;
        const origin = newParent ? ix.box.get(newParent.id)! : { x: onto.x, y: onto.y };
        const next: Component = {
          ...c,
          screen: onto.id,
          parent: newParent ? newParent.id : null,
          x: Math.round(mv.x - origin.x),
          y: Math.round(mv.y - origin.y),
          order: newParent && flowOf(newParent) ? orderAt(ix, newParent, c.id, cx, cy) : newParent?.id === c.parent ? c.order : orderAfterAll(ix, newParent ? newParent.id : `screen:${onto.id}`),
        };
        ops.push({ op: "update", record: componentRecord(next) });
        if (onto.id !== c.screen) {
          for (const id of subtree(ix, c.id).slice(1)) {
            const k = ix.component.get(id)!;
            ops.push({ op: "update", record: componentRecord({ ...k, screen: onto.id }) });
          }
        }
      }
      edit(ops);
    },
    [containerAt, edit],
  );

  const onResizeNode = useCallback(
    (r: { id: string; x: number; y: number; w: number; h: number }) => {
      const ix = ixRef.current;
      const s = ix.screen.get(r.id);
      if (s) {
        edit([{ op: "update", record: screenRecord({ ...s, x: r.x, y: r.y, w: r.w, h: r.h, device: "custom" }) }]);
        return;
      }
      const c = ix.component.get(r.id);
      if (!c) return;
      const parent = c.parent ? ix.component.get(c.parent) : undefined;
      const origin = parent ? ix.box.get(parent.id)! : ix.screen.get(c.screen)!;
      const flows = parent && flowOf(parent);
      edit([{ op: "update", record: componentRecord({ ...c, w: r.w, h: r.h, x: flows ? c.x : r.x - origin.x, y: flows ? c.y : r.y - origin.y }) }]);
    },
    [edit],
  );

  /** A drag from a component to a screen: the component navigates there. */
  const onConnect = useCallback(
    (source: string, targetId: string) => {
      const ix = ixRef.current;
      const c = ix.component.get(source);
      if (!c || !ix.screen.has(targetId)) return;
      const existing = ix.actionOf.get(c.id);
      if (existing) {
        const steps = existing.steps.some((s) => s.step === "command" || s.step === "capability") ? existing.steps : [{ step: "navigate", screen: targetId } as ActionStep];
        const success = steps === existing.steps ? targetId : null;
        edit([{ op: "update", record: actionRecord({ ...existing, steps, success }) }]);
      } else {
        edit([{ op: "add", record: actionRecord({ id: newId(), component: c.id, name: c.text ?? c.name, steps: [{ step: "navigate", screen: targetId }], success: null, failure: null }) }]);
      }
    },
    [edit],
  );

  const onDropKind = useCallback(
    (kind: string, x: number, y: number) => {
      if (kind.startsWith("part:")) {
        const id = kind.slice(5);
        void backend.listShelf("").then((res) => {
          if (res.status !== "ok") return showError(res.error);
          const part = res.data.find((p) => p.part.id === id);
          if (part) placePart(part, { x, y });
        });
      }
    },
    [backend, placePart, showError],
  );

  // --- selection commands ---

  const deleteSelection = useCallback(() => {
    const ix = ixRef.current;
    const ops: PrototypeOp[] = [];
    for (const id of shownSelection) {
      if (ix.screen.has(id) || ix.component.has(id)) ops.push({ op: "remove", id });
      else if (id.startsWith("nav:")) {
        const [from, to] = id.slice(4).split(">");
        for (const a of modelRef.current.actions) {
          if (ix.component.get(a.component)?.screen !== from) continue;
          const steps = a.steps.filter((s) => !(s.step === "navigate" && s.screen === to));
          if (steps.length !== a.steps.length || a.success === to) {
            if (steps.length === 0 && a.success === to) ops.push({ op: "remove", id: a.id });
            else ops.push({ op: "update", record: actionRecord({ ...a, steps, success: a.success === to ? null : a.success }) });
          }
        }
      }
    }
    edit(ops);
    setSelection(new Set());
  }, [edit, shownSelection]);

  const copySelection = useCallback(() => {
    const ix = ixRef.current;
    const ids = [...shownSelection].filter((id) => ix.component.has(id));
    const all = new Set(ids.flatMap((id) => subtree(ix, id)));
    clipboard.current = modelRef.current.components.filter((c) => all.has(c.id));
    if (clipboard.current.length) flash(t("prototype.copied", { count: ids.length }));
  }, [flash, shownSelection, t]);

  const paste = useCallback(() => {
    const items = clipboard.current;
    if (items.length === 0) return;
    const tg = target();
    if (!tg) return;
    const ix = ixRef.current;
    const ids = new Map(items.map((c) => [c.id, newId()]));
    const roots = items.filter((c) => !c.parent || !ids.has(c.parent));
    let order = orderAfterAll(ix, tg.parent ?? `screen:${tg.screen}`);
    const ops: PrototypeOp[] = [];
    for (const c of items) {
      const root = roots.includes(c);
      ops.push({
        op: "add",
        record: componentRecord({
          ...c,
          id: ids.get(c.id)!,
          screen: tg.screen,
          parent: root ? (tg.parent && tg.parent !== c.id ? tg.parent : null) : ids.get(c.parent!)!,
          x: root ? c.x + 20 : c.x,
          y: root ? c.y + 20 : c.y,
          order: root ? order++ : c.order,
        }),
      });
    }
    // Their actions come along when they only navigate (commands are the same document's).
    for (const a of modelRef.current.actions) if (ids.has(a.component)) ops.push({ op: "add", record: actionRecord({ ...a, id: newId(), component: ids.get(a.component)! }) });
    edit(ops);
    setSelection(new Set(roots.map((c) => ids.get(c.id)!)));
  }, [edit, target]);

  /** Selected components of one container (or screen level), for group and align. */
  const siblings = useCallback((): Component[] => {
    const ix = ixRef.current;
    const cs = [...shownSelection].map((id) => ix.component.get(id)).filter((c): c is Component => !!c);
    if (cs.length < 2) return [];
    const key = (c: Component) => `${c.screen}/${c.parent ?? ""}`;
    return cs.every((c) => key(c) === key(cs[0])) ? cs : [];
  }, [shownSelection]);

  const group = useCallback(() => {
    const cs = siblings();
    if (cs.length < 2) return flash(t("prototype.groupNeedsSiblings"));
    const ix = ixRef.current;
    const parent = cs[0].parent ? ix.component.get(cs[0].parent) : undefined;
    if (parent && flowOf(parent)) return flash(t("prototype.groupNeedsSiblings"));
    const x0 = Math.min(...cs.map((c) => c.x));
    const y0 = Math.min(...cs.map((c) => c.y));
    const x1 = Math.max(...cs.map((c) => c.x + c.w));
    const y1 = Math.max(...cs.map((c) => c.y + c.h));
    const g: Component = { ...newComponent(newId(), cs[0].screen, cs[0].parent, "group", t("prototype.groupName"), x0, y0, Math.min(...cs.map((c) => c.order))), w: x1 - x0, h: y1 - y0 };
    edit([{ op: "add", record: componentRecord(g) }, ...cs.map((c) => ({ op: "update" as const, record: componentRecord({ ...c, parent: g.id, x: c.x - x0, y: c.y - y0 }) }))]);
    setSelection(new Set([g.id]));
  }, [edit, flash, siblings, t]);

  const align = useCallback(
    (how: "left" | "top" | "hcenter") => {
      const cs = siblings();
      if (cs.length < 2) return flash(t("prototype.alignNeedsSiblings"));
      const x0 = Math.min(...cs.map((c) => c.x));
      const y0 = Math.min(...cs.map((c) => c.y));
      const mid = (Math.min(...cs.map((c) => c.x)) + Math.max(...cs.map((c) => c.x + c.w))) / 2;
      edit(cs.map((c) => ({ op: "update" as const, record: componentRecord({ ...c, x: how === "left" ? x0 : how === "hcenter" ? Math.round(mid - c.w / 2) : c.x, y: how === "top" ? y0 : c.y }) })));
    },
    [edit, flash, siblings, t],
  );

  useEditorKeys(rootRef, {
    undo: session.undo,
    redo: session.redo,
    deleteSelection,
    renameSelection: () => (document.querySelector('[data-testid="proto-name"]') as HTMLInputElement | null)?.focus(),
    escape: () => setSelection(new Set()),
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (!(e.ctrlKey || e.metaKey) || (el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT"))) return;
      if (playing) return;
      const key = e.key.toLowerCase();
      if (key === "c") copySelection();
      else if (key === "v") paste();
      else if (key === "g") group();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [copySelection, group, paste, playing]);

  // --- files ---

  const saveFile = useCallback(
    async (suggested: string, write: (path: string) => Promise<{ status: "ok" } | { status: "error"; error: ApiError }>) => {
      const chosen = await backend.chooseSavePath(suggested);
      if (chosen.status !== "ok") return showError(chosen.error);
      if (!chosen.data) return;
      const res = await write(chosen.data);
      if (res.status !== "ok") return showError(res.error);
      flash(t("bpmnFile.saved", { path: chosen.data }));
    },
    [backend, flash, showError, t],
  );
  const exportPicture = useCallback(
    (format: "svg" | "png") => {
      // One selected screen exports alone; otherwise the board.
      const ix = ixRef.current;
      const screenId = [...shownSelection].find((id) => ix.screen.has(id));
      const c = canvasRef.current;
      const nodes = screenId ? c.nodes.filter((n) => n.id === screenId || ix.component.get(n.id)?.screen === screenId) : c.nodes;
      const edges = screenId ? [] : c.edges;
      const base = screenId ? `${documentTitle}-${ix.screen.get(screenId)?.name}` : documentTitle || "prototype";
      return saveFile(fileName(base, format), async (path) => {
        const bytes =
          format === "svg"
            ? new TextEncoder().encode(renderSvg(nodes, edges, [], { shapes: prototypeShapes }))
            : new Uint8Array(await (await renderPng(nodes, edges, [], PNG_SCALE, { shapes: prototypeShapes })).arrayBuffer());
        return backend.savePicture(path, Array.from(bytes));
      });
    },
    [backend, documentTitle, saveFile, shownSelection],
  );

  // --- the shelf ---

  const addToShelf = useCallback(
    async (nameZh: string, nameEn: string) => {
      if (!documentId) return false;
      const ix = ixRef.current;
      const ids = [...shownSelection].filter((id) => ix.component.has(id));
      if (ids.length === 0) {
        flash(t("prototype.shelf.selectFirst"));
        return false;
      }
      await session.settled();
      const res = await backend.addShelfPart(documentId, ids, "businessComponent", nameZh, nameEn, null);
      if (res.status !== "ok") {
        showError(res.error);
        return false;
      }
      setShelfKey((k) => k + 1);
      flash(t("prototype.shelf.added", { name: zh ? nameZh : nameEn }));
      return true;
    },
    [backend, documentId, flash, session, showError, shownSelection, t, zh],
  );

  // --- problems ---

  const marks = useMemo(() => {
    const m = new Map<string, "error" | "warning">();
    for (const p of session.problems) {
      const id = ix.component.has(p.element) || ix.screen.has(p.element) ? p.element : (model.actions.find((a) => a.id === p.element)?.component ?? p.screen);
      if (!id) continue;
      if (m.get(id) !== "error") m.set(id, p.severity);
    }
    return m;
  }, [session.problems, ix, model.actions]);
  const nameOf = useCallback(
    (id: string) => ix.screen.get(id)?.name ?? ix.component.get(id)?.name ?? model.actions.find((a) => a.id === id)?.name ?? id,
    [ix, model.actions],
  );

  const items: ToolbarItem[] = [
    {
      id: "screen",
      priority: 100,
      render: (mode: ItemMode) =>
        mode === "bar" ? (
          <span className="proto-add-screen">
            <select data-testid="proto-device" aria-label={t("prototype.device.label")} value={device} onChange={(e) => setDevice(e.target.value as Device)}>
              {DEVICES.map((d) => (
                <option key={d} value={d}>
                  {t(`prototype.device.${d}`)}
                </option>
              ))}
            </select>
            <button type="button" className="tool-button" data-testid="proto-add-screen" disabled={readOnly} onClick={addScreen}>
              {t("prototype.addScreen")}
            </button>
          </span>
        ) : (
          <ToolButton mode={mode} testId="proto-add-screen" label={t("prototype.addScreen")} title={t("prototype.addScreen")} disabled={readOnly} onClick={addScreen} />
        ),
    },
    { id: "play", priority: 99, render: (mode) => <ToolButton mode={mode} testId="proto-play" label={t("prototype.playButton")} title={t("prototype.playHint")} disabled={model.screens.length === 0} onClick={() => setPlaying(true)} /> },
    { id: "copy", priority: 60, render: (mode) => <ToolButton mode={mode} testId="proto-copy" label={t("prototype.copy")} title={t("prototype.copy")} disabled={shownSelection.size === 0} onClick={copySelection} /> },
    { id: "paste", priority: 59, render: (mode) => <ToolButton mode={mode} testId="proto-paste" label={t("prototype.paste")} title={t("prototype.paste")} disabled={readOnly} onClick={paste} /> },
    { id: "group", priority: 58, render: (mode) => <ToolButton mode={mode} testId="proto-group" label={t("prototype.group")} title={t("prototype.group")} disabled={readOnly || shownSelection.size < 2} onClick={group} /> },
    { id: "alignLeft", priority: 50, render: (mode) => <ToolButton mode={mode} testId="proto-align-left" label={t("prototype.alignLeft")} title={t("prototype.alignLeft")} disabled={readOnly || shownSelection.size < 2} onClick={() => align("left")} /> },
    { id: "alignTop", priority: 49, render: (mode) => <ToolButton mode={mode} testId="proto-align-top" label={t("prototype.alignTop")} title={t("prototype.alignTop")} disabled={readOnly || shownSelection.size < 2} onClick={() => align("top")} /> },
    { id: "alignCenter", priority: 48, render: (mode) => <ToolButton mode={mode} testId="proto-align-center" label={t("prototype.alignCenter")} title={t("prototype.alignCenter")} disabled={readOnly || shownSelection.size < 2} onClick={() => align("hcenter")} /> },
    { id: "delete", priority: 70, render: (mode) => <ToolButton mode={mode} testId="proto-delete" label={t("prototype.delete")} title={t("prototype.delete")} disabled={readOnly || shownSelection.size === 0} onClick={deleteSelection} /> },
    { id: "fit", priority: 40, render: (mode) => <ToolButton mode={mode} testId="proto-fit" label={t("prototype.fit")} title={t("prototype.fit")} onClick={() => view.current?.fitView(0.06)} /> },
    { id: "png", priority: 30, render: (mode) => <ToolButton mode={mode} testId="proto-export-png" label="PNG" title={t("prototype.exportPictureHint")} onClick={() => void exportPicture("png")} /> },
    { id: "svg", priority: 29, render: (mode) => <ToolButton mode={mode} testId="proto-export-svg" label="SVG" title={t("prototype.exportPictureHint")} onClick={() => void exportPicture("svg")} /> },
    {
      id: "openapi",
      priority: 28,
      render: (mode) => (
        <ToolButton mode={mode} testId="proto-export-openapi" label="OpenAPI" title={t("prototype.exportOpenapiHint")} onClick={() => documentId && void saveFile(fileName(documentTitle || "prototype", "json" as "svg"), (p) => backend.exportOpenapiFile(documentId, p))} />
      ),
    },
    {
      id: "html",
      priority: 27,
      render: (mode) => (
        <ToolButton mode={mode} testId="proto-export-html" label="HTML" title={t("prototype.exportHtmlHint")} onClick={() => documentId && void saveFile(fileName(documentTitle || "prototype", "html" as "svg"), (p) => backend.exportPrototypeHtmlFile(documentId, 1, p))} />
      ),
    },
  ];

  if (session.status === "error" && session.loadError) return <DocumentError title={documentTitle} error={session.loadError} onRetry={session.refresh} />;
  if (session.status !== "ready" || !documentId) {
    return (
      <div className="pane-center">
        <p className="pane-message">{t("canvas.loading")}</p>
      </div>
    );
  }

  const selectedId = shownSelection.size === 1 ? [...shownSelection][0] : null;
  return (
    <div className="flow-editor proto-editor" ref={rootRef} data-testid="prototype-editor" data-document-id={documentId}>
      <ShelfPanel key={shelfKey} backend={backend} showError={showError} disabled={!!readOnly} onPlace={(p) => placePart(p)} onAddToShelf={addToShelf} canAdd={[...shownSelection].some((id) => ix.component.has(id))} />
      <div className="flow-main">
        <OverflowToolbar items={items} end={null} label={t("prototype.toolbar")} />
        <div className="canvas-row">
          <div className="canvas" data-testid="canvas" tabIndex={-1} aria-label={t("prototype.board")}>
            <FlowCanvas
              ref={view}
              shapes={prototypeShapes}
              nodes={canvas.nodes}
              edges={canvas.edges}
              lanes={NO_LANES}
              selection={shownSelection}
              problems={marks}
              readOnly={readOnly}
              onSelectionChange={(ids) => setSelection(new Set(ids))}
              onMoveNodes={onMoveNodes}
              onResizeNode={onResizeNode}
              onConnect={onConnect}
              onActivate={(id) => setSelection(new Set([id]))}
              onDropKind={onDropKind}
              ariaLabel={t("prototype.board")}
            />
            {canvas.nodes.length === 0 && (
              <p className="canvas-empty" data-testid="proto-empty">
                {t("prototype.empty")}
              </p>
            )}
            {notice && (
              <div className="export-saved" data-testid="proto-notice" role="status">
                {notice}
              </div>
            )}
            {playing && (
              <PlayPane
                backend={backend}
                documentId={documentId}
                prefetched={prefetched.current && prefetched.current.model === model ? prefetched.current.bundle : null}
                lang={i18n.language}
                startScreen={selectedId && ix.screen.has(selectedId) ? selectedId : null}
                onSaveWalk={(name, steps) => {
                  const id = newId();
                  edit([{ op: "add", record: walkRecord({ id, name, steps }) }]);
                  return session.settled().then(() => id);
                }}
                showError={showError}
                onClose={() => setPlaying(false)}
              />
            )}
          </div>
          {/* While playing, the player takes the whole row: the panel edits the board. */}
          {selectedId && !playing && (
            <ElementPanel
              key={selectedId}
              id={selectedId}
              model={model}
              ix={ix}
              domains={domains}
              readOnly={!!readOnly}
              backend={backend}
              onEdit={edit}
              onClose={() => setSelection(new Set())}
            />
          )}
        </div>
        {session.problems.length > 0 && (
          <ul className="proto-problems" data-testid="proto-problems" aria-label={t("problems.title")}>
            {session.problems.map((p, i) => (
              <li key={`${p.code}-${p.element}-${i}`} className={`proto-problem is-${p.severity}`} data-code={p.code} data-element={p.element}>
                <button type="button" className="link-button" onClick={() => setSelection(new Set([marks.has(p.element) ? p.element : p.screen]))}>
                  {p.screen && ix.screen.get(p.screen) ? `${ix.screen.get(p.screen)!.name}: ` : ""}
                  {t(`prototypeProblem.${p.code}`, { name: nameOf(p.element) })}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** The component kinds in the order the element panel offers them. */
export type { ComponentKind };
