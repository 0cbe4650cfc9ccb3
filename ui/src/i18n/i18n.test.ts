// @vitest-environment node
// Fails when a translation key is missing in either language or when code uses an unknown key.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../backend";
import { NODE_KINDS } from "../flow/kinds";
import { LINK_KINDS } from "../flow/links";
import { PROBLEM_CODES } from "../flow/problems";
import en from "./en.json";
import zhCN from "./zh-CN.json";

type Tree = { [key: string]: string | Tree };

function leafKeys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}${k}`] : leafKeys(v, `${prefix}${k}.`),
  );
}

function lookup(tree: Tree, path: string): string | Tree | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of path.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = node[part];
  }
  return node;
}

const languages: [string, Tree][] = [
  ["en", en as Tree],
  ["zh-CN", zhCN as Tree],
];

const srcDir = join(dirname(fileURLToPath(import.meta.url)), "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const sources = sourceFiles(srcDir).map((path) => ({ path, text: readFileSync(path, "utf8") }));

describe("translations", () => {
  it("have the same keys in every language", () => {
    const [first, ...rest] = languages;
    const keys = new Set(leafKeys(first[1]));
    for (const [lang, tree] of rest) {
      const other = new Set(leafKeys(tree));
      expect([...keys].filter((k) => !other.has(k)), `missing in ${lang}`).toEqual([]);
      expect([...other].filter((k) => !keys.has(k)), `missing in ${first[0]}`).toEqual([]);
    }
  });

  it("have no empty strings", () => {
    for (const [lang, tree] of languages) {
      const empty = leafKeys(tree).filter((k) => (lookup(tree, k) as string).trim() === "");
      expect(empty, lang).toEqual([]);
    }
  });

  it("use the same interpolation variables in every language", () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of leafKeys(en as Tree)) {
      expect(vars(lookup(zhCN as Tree, key) as string), key).toEqual(vars(lookup(en as Tree, key) as string));
    }
  });

  it("contain every key that the source uses", () => {
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const { text } of sources) {
      for (const m of text.matchAll(/\bt\(\s*(["'`])([^"'`$]+)\1/g)) used.add(m[2]);
      for (const m of text.matchAll(/\bt\(\s*`([^`$]*)\$\{/g)) prefixes.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(20);
    for (const [lang, tree] of languages) {
      const missing = [...used].filter((k) => typeof lookup(tree, k) !== "string");
      expect(missing, `keys used in src but missing in ${lang}`).toEqual([]);
      for (const prefix of prefixes) {
        expect(typeof lookup(tree, prefix.replace(/\.$/, "")), `prefix ${prefix} in ${lang}`).toBe("object");
      }
    }
  });

  it("name every node kind, error code, document kind, save state, problem code and link kind", () => {
    const families: Record<string, readonly string[]> = {
      nodeKind: NODE_KINDS,
      error: ERROR_CODES,
      docKind: ["workspaceIndex", "businessFlow", "valueTree", "requirementPool", "userJourney", "domainModel", "sandboxPrototype"],
      save: ["idle", "saving", "saved", "error"],
      palette: ["events", "activities", "gateways", "data", "lanes"],
      edgeKind: ["sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation"],
      "problems.message": PROBLEM_CODES,
      "problems.hint": PROBLEM_CODES,
      "links.kind": LINK_KINDS,
      "links.reverse": LINK_KINDS,
    };
    for (const [lang, tree] of languages) {
      for (const [family, members] of Object.entries(families)) {
        const missing = members.filter((m) => typeof lookup(tree, `${family}.${m}`) !== "string");
        expect(missing, `${family} in ${lang}`).toEqual([]);
      }
    }
  });

  it("use the glossary's Chinese names", () => {
    const zh = zhCN as Tree;
    expect(lookup(zh, "sidebar.workspaces")).toBe("专题");
    expect(lookup(zh, "docKind.businessFlow")).toBe("业务流程");
    expect(lookup(zh, "canvas.label")).toBe("流程画布");
    expect(lookup(zh, "palette.lanes")).toBe("泳道");
    expect(lookup(zh, "nodeKind.exclusiveGateway")).toBe("排他网关");
    expect(lookup(zh, "edgeKind.sequenceFlow")).toBe("顺序流");
    expect(lookup(zh, "problems.message.unreachable")).toContain("开始事件");
    expect(lookup(zh, "problems.message.parallelJoinedByExclusive")).toContain("排他网关");
    expect(lookup(zh, "links.title")).toBe("关联");
    expect(LINK_KINDS.map((k) => lookup(zh, `links.kind.${k}`))).toEqual(["实现", "调用", "展示", "度量", "细化", "跟踪", "相关"]);
    expect(LINK_KINDS.map((k) => lookup(zh, `links.reverse.${k}`))).toEqual(["实现自", "被调用自", "展示于", "被度量自", "细化自", "被跟踪自", "相关"]);
  });
});

describe("source", () => {
  it("calls the core only through the generated bindings", () => {
    const offenders = sources
      .filter(({ path }) => !path.endsWith("bindings.ts"))
      .filter(({ text }) => /\binvoke\s*\(|@tauri-apps\/api\/core/.test(text))
      .map(({ path }) => path);
    expect(offenders).toEqual([]);
  });
});
