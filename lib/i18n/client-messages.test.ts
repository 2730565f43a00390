import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CLIENT_NAMESPACES, clientMessages, pickMessages, type ClientPart } from "./client-messages";
import de from "./messages/de.json";
import en from "./messages/en.json";

const ROOT = path.resolve(import.meta.dirname, "../..");
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join("/");

interface Module {
  client: boolean;
  imports: string[];
  /** Namespaces named in useTranslations("...") calls. */
  namespaces: string[];
  /** Calls that read messages without naming a namespace: useTranslations(), useTranslations(x), useMessages(). */
  unnamed: string[];
}

const modules = new Map<string, Module>();

function resolveImport(from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? path.join(ROOT, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const f of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  return null;
}

function read(file: string): Module {
  const known = modules.get(file);
  if (known) return known;
  const src = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const m: Module = { client: false, imports: [], namespaces: [], unnamed: [] };
  for (const s of src.statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) break;
    if (s.expression.text === "use client") m.client = true;
  }
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const f = resolveImport(file, n.moduleSpecifier.text);
      if (f) m.imports.push(f);
    }
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      const f = resolveImport(file, n.arguments[0].text);
      if (f) m.imports.push(f);
    }
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
      const line = src.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      const [arg] = n.arguments;
      if (n.expression.text === "useTranslations") {
        if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) m.namespaces.push(arg.text);
        else m.unnamed.push(`${rel(file)}:${line}`);
      }
      if (n.expression.text === "useMessages") m.unnamed.push(`${rel(file)}:${line}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  modules.set(file, m);
  return m;
}

/** What the client code reachable from `file` reads: a "use client" module and all it imports. */
function clientReads(file: string, inClient = false, seen = new Set<string>(), out = { namespaces: new Set<string>(), unnamed: new Set<string>() }) {
  const key = `${inClient}:${file}`;
  if (seen.has(key)) return out;
  seen.add(key);
  const m = read(file);
  const client = inClient || m.client;
  if (client) {
    m.namespaces.forEach((n) => out.namespaces.add(n));
    m.unnamed.forEach((u) => out.unnamed.add(u));
  }
  for (const i of m.imports) clientReads(i, client, seen, out);
  return out;
}

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []));

const parts = Object.keys(CLIENT_NAMESPACES) as ClientPart[];
/** The part a file under app/ belongs to: the nearest folder above it that has a list. */
const partOf = (file: string): ClientPart => {
  for (let dir = path.dirname(rel(file)); ; dir = path.dirname(dir)) {
    if ((parts as string[]).includes(dir)) return dir as ClientPart;
    if (dir === "." || dir === "/") throw new Error(`${rel(file)} is in no part`);
  }
};
const covered = (ns: string, list: readonly string[]) => list.some((l) => ns === l || ns.startsWith(`${l}.`));
const get = (o: unknown, p: string) => p.split(".").reduce<unknown>((a, k) => (a && typeof a === "object" ? (a as Record<string, unknown>)[k] : undefined), o);

describe("messages for client components", () => {
  const appFiles = walk(path.join(ROOT, "app"));

  it("every namespace a client component uses is sent to it by its part of the app", () => {
    const missing: string[] = [];
    const unnamed = new Set<string>();
    for (const f of appFiles) {
      const part = partOf(f);
      const reads = clientReads(f);
      for (const ns of reads.namespaces) if (!covered(ns, CLIENT_NAMESPACES[part])) missing.push(`${rel(f)} (${part}): ${ns}`);
      reads.unnamed.forEach((u) => unnamed.add(u));
    }
    expect(missing).toEqual([]);
    // a namespace must be named for it to be sent: useTranslations() and useMessages() would read nothing
    expect([...unnamed]).toEqual([]);
  });

  it("no part lists a namespace none of its client components uses", () => {
    const used = new Map<ClientPart, Set<string>>(parts.map((p) => [p, new Set()]));
    for (const f of appFiles) clientReads(f).namespaces.forEach((ns) => used.get(partOf(f))!.add(ns));
    const unused = parts.flatMap((p) => CLIENT_NAMESPACES[p].filter((l) => ![...used.get(p)!].some((ns) => covered(ns, [l]))).map((l) => `${p}: ${l}`));
    expect(unused).toEqual([]);
  });

  it("each part's layout hands its list to its pages", () => {
    for (const p of parts) {
      const layout = path.join(ROOT, p, "layout.tsx");
      expect(fs.existsSync(layout), `${p}/layout.tsx`).toBe(true);
      expect(fs.readFileSync(layout, "utf8"), `${p}/layout.tsx`).toContain(`<ClientMessages of="${p}">`);
    }
  });

  it("no part lies inside another one below the shell, whose messages its pages would carry unused", () => {
    // an inner provider replaces the outer one's messages for its pages, but the outer one's are
    // still written into each of their responses: a part of its own sits in a route group beside them
    const shell = new Set<string>(["app", "app/(portal)"]);
    for (const inner of parts) for (const outer of parts) if (outer !== inner && !shell.has(outer)) expect(inner.startsWith(`${outer}/`), `${inner} inside ${outer}`).toBe(false);
  });

  it("every listed namespace is in both catalogues", () => {
    for (const p of parts) for (const ns of CLIENT_NAMESPACES[p]) for (const [locale, m] of [["de", de], ["en", en]] as const) expect(typeof get(m, ns), `${locale}: ${ns} (${p})`).toBe("object");
  });

  it("a part gets its namespaces, the whole catalogue stays as it was", () => {
    const before = JSON.stringify(de);
    const m = clientMessages(de, "app/(portal)/(roster)/courses/[courseId]/terms/[termId]/roster");
    expect(Object.keys(m).sort()).toEqual(["columnMapping", "common", "roster", "rosterImport", "ui"]);
    expect(Object.keys(m.roster as object).sort()).toEqual(["add", "msg", "table"]);
    expect((m.roster as { table: unknown }).table).toEqual(de.roster.table);
    expect(pickMessages(de, ["roster", "roster.table"]).roster).toEqual(de.roster);
    expect(pickMessages(de, ["roster.table", "roster"]).roster).toEqual(de.roster);
    expect(pickMessages(de, ["no.such.namespace"])).toEqual({});
    expect(JSON.stringify(de)).toBe(before);
    expect(clientMessages(en, "app")).toEqual({});
  });
});
