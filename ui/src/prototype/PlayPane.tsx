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
  // The sample data's seed: the same seed gives the same rows; another one, other rows.
  const [seed, setSeed] = useState(prefetched?.seed ?? 1);
  const [bundle, setBundle] = useState<PlayerBundle | null>(null);
  const [showData, setShowData] = useState(false);

  useEffect(() => {
    let alive = true;
    const t0 = performance.now();
    void (async () => {
      const res =
        prefetched && prefetched.seed === seed ? ({ status: "ok", data: prefetched } as const) : await backend.prototypePlayerBundle(documentId, seed);
      if (!alive || !host.current) return;
      if (res.status !== "ok") {
        showError(res.error);
        onClose();
        return;
      }
      playStats.prefetched = !!prefetched && prefetched.seed === seed;
      player.current?.stop();
      setBundle(res.data);
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
    // Mounted once per opening of play mode, and again for another seed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seed]);

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
        <label className="proto-play-seed" title={t("prototype.play.seedHint")}>
          {t("prototype.play.seed")}
          <input
            type="number"
            min={0}
            step={1}
            data-testid="play-seed"
            defaultValue={seed}
            onKeyDown={(e) => {
              if (e.key === "Enter") (e.target as HTMLInputElement).blur();
            }}
            onBlur={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 0 && n !== seed) setSeed(n);
              else e.target.value = String(seed);
            }}
          />
        </label>
        <button type="button" className="text-button" data-testid="play-sample-data" aria-pressed={showData} onClick={() => setShowData((v) => !v)}>
          {t("prototype.play.sampleData")}
        </button>
        <button type="button" className="text-button" data-testid="play-save-walk" disabled={saving || steps === 0} onClick={() => void save()}>
          {t("prototype.play.saveWalk")}
        </button>
        <button type="button" className="text-button" data-testid="play-close" onClick={onClose}>
          {t("prototype.close")}
        </button>
      </header>
      <div className="proto-play-body">
        <div className="proto-play-host" ref={host} data-testid="player" />
        {((showData && bundle && player.current) || gherkin) && (
          <div className="proto-play-side">
            {gherkin && (
              <section className="proto-gherkin" data-testid="walk-gherkin" aria-label={t("prototype.play.gherkin")}>
                <h3>{t("prototype.play.gherkin")}</h3>
                <pre>{gherkin.join("\n")}</pre>
              </section>
            )}
            {showData && bundle && player.current && <SampleData bundle={bundle} player={player.current} />}
          </div>
        )}
      </div>
    </div>
  );
}

/** The player's sample rows, editable cell by cell (scalar values; nested ones are shown). */
function SampleData({ bundle, player }: { bundle: PlayerBundle; player: PlayerHandle }) {
  const { t } = useTranslation();
  const tables = player.tables();
  const [table, setTable] = useState(tables[0] ?? "");
  const [, redraw] = useState(0);
  const entityName = (key: string) => {
    const [document, entity] = key.split("/");
    return bundle.entities.find((e) => e.document === document && e.id === entity)?.name ?? entity;
  };
  const [document, entity] = table.split("/");
  const rows = table ? player.rows(document, entity) : [];
  const attrs = bundle.entities.find((e) => e.document === document && e.id === entity)?.attributes ?? [];
  const label = (k: string) => attrs.find((a) => a.id === k)?.name ?? k;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  return (
    <section className="proto-sample-data" data-testid="sample-data" aria-label={t("prototype.play.sampleData")}>
      <label>
        {t("prototype.play.table")}{" "}
        <select data-testid="sample-table" value={table} onChange={(e) => setTable(e.target.value)}>
          {tables.map((k) => (
            <option key={k} value={k}>
              {entityName(k)}
            </option>
          ))}
        </select>
      </label>
      {rows.length === 0 ? (
        <p>{t("prototype.play.noRows")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              {keys.map((k) => (
                <th key={k}>{label(k)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-row-id={r.id}>
                {keys.map((k) => {
                  const v = r.values[k];
                  if (v !== null && typeof v === "object") return <td key={k}>{JSON.stringify(v)}</td>;
                  return (
                    <td key={k}>
                      <input
                        data-testid={`sample-cell-${k}`}
                        aria-label={label(k)}
                        defaultValue={v === undefined || v === null ? "" : String(v)}
                        onBlur={(e) => {
                          const text = e.target.value;
                          const value = typeof v === "number" && text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : typeof v === "boolean" ? text === "true" : text;
                          if (value === v) return;
                          player.setValue(document, entity, r.id, k, value);
                          redraw((n) => n + 1);
                        }}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
