// Play mode (演示模式): the core's PlayerBundle played by the same player file the HTML export
// inlines (assets/player/player.js), in a pane over the board. The walk the person takes is
// recorded; "Save walk" keeps it as a Walk record of the prototype and shows it as
// Given/When/Then (the core's walk_gherkin).

import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError, PlayerBundle_Serialize as PlayerBundle, WalkStep_Serialize as WalkStep } from "../bindings";
import { mountPlayer, type PlayerHandle } from "./player";

/** The last play mode's start: bundle fetched and first screen drawn (ms), for tests and the benchmark. */
export const playStats: { startMs: number | null; prefetched: boolean; handle: PlayerHandle | null } = { startMs: null, prefetched: false, handle: null };

type Props = {
  backend: Backend;
  documentId: string;
  /** The bundle of the model as it is now, when the editor already has it. */
  prefetched: PlayerBundle | null;
  lang: string;
  startScreen: string | null;
  onSaveWalk(name: string, steps: WalkStep[]): Promise<string>;
  showError(e: ApiError): void;
  onClose(): void;
};

export function PlayPane({ backend, documentId, prefetched, lang, startScreen, onSaveWalk, showError, onClose }: Props) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const player = useRef<PlayerHandle | null>(null);
  const [startMs, setStartMs] = useState<number | null>(null);
  const [steps, setSteps] = useState(0);
  const [gherkin, setGherkin] = useState<string[] | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let alive = true;
    const t0 = performance.now();
    void (async () => {
      const res = prefetched ? ({ status: "ok", data: prefetched } as const) : await backend.prototypePlayerBundle(documentId, 1);
      if (!alive || !host.current) return;
      if (res.status !== "ok") {
        showError(res.error);
        onClose();
        return;
      }
      playStats.prefetched = !!prefetched;
      player.current = mountPlayer(host.current, res.data, {
        lang,
        start: startScreen ?? undefined,
        onStep: () => setSteps((n) => n + 1),
      });
      const ms = Math.round(performance.now() - t0);
      playStats.startMs = ms;
      playStats.handle = player.current;
      setStartMs(ms);
    })();
    return () => {
      alive = false;
      player.current?.stop();
      player.current = null;
      playStats.handle = null;
    };
    // Mounted once per opening of play mode.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const save = async () => {
    const p = player.current;
    if (!p) return;
    const walk = p.walk();
    if (walk.length === 0) return;
    setSaving(true);
    try {
      const name = t("prototype.play.walkName", { date: new Date().toLocaleString(lang) });
      const id = await onSaveWalk(name, walk);
      const res = await backend.walkGherkin(documentId, id, lang.startsWith("zh"));
      if (res.status !== "ok") return showError(res.error);
      setGherkin(res.data);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="proto-play" data-testid="play-pane" data-start-ms={startMs ?? undefined} data-prefetched={prefetched ? "true" : "false"} role="dialog" aria-label={t("prototype.play.title")}>
      <header className="proto-play-bar">
        <strong>{t("prototype.play.title")}</strong>
        {startMs !== null && <span className="proto-play-ms">{t("prototype.play.started", { ms: startMs })}</span>}
        <span className="proto-play-steps" data-testid="play-steps">
          {t("prototype.play.steps", { count: steps })}
        </span>
        <button type="button" className="text-button" data-testid="play-save-walk" disabled={saving || steps === 0} onClick={() => void save()}>
          {t("prototype.play.saveWalk")}
        </button>
        <button type="button" className="text-button" data-testid="play-close" onClick={onClose}>
          {t("prototype.close")}
        </button>
      </header>
      <div className="proto-play-body">
        <div className="proto-play-host" ref={host} data-testid="player" />
        {gherkin && (
          <section className="proto-gherkin" data-testid="walk-gherkin" aria-label={t("prototype.play.gherkin")}>
            <h3>{t("prototype.play.gherkin")}</h3>
            <pre>{gherkin.join("\n")}</pre>
          </section>
        )}
      </div>
    </div>
  );
}
