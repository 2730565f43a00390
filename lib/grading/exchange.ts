/**
 * Where the portal finds the nbgrader exchange, and what is there before any hashing.
 *
 * Exports:
 *   exchangeRoot()                          E2X_EXCHANGE_ROOT, default `${E2X_DATA_DIR:-.data}/exchange`
 *   exchangeStatus(root, courseId)          does the root / course folder / an inbound folder exist
 *   releasedAssignments(root, courseId)     assignment ids under outbound/ and personalized-outbound/<user>/
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";

export function exchangeRoot(): string {
  const fromEnv = process.env.E2X_EXCHANGE_ROOT?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  return path.resolve(process.env.E2X_DATA_DIR ?? ".data", "exchange");
}

export interface ExchangeStatus {
  root: string;
  courseId: string;
  /** Absolute path of `<root>/<courseId>`. */
  courseDir: string;
  rootExists: boolean;
  courseDirExists: boolean;
  /** `inbound/` or `personalized-inbound/` exists. */
  hasInbound: boolean;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function exchangeStatus(root: string, courseId: string): ExchangeStatus {
  const courseDir = path.join(root, courseId);
  return {
    root,
    courseId,
    courseDir,
    rootExists: isDir(root),
    courseDirExists: isDir(courseDir),
    hasInbound: isDir(path.join(courseDir, "inbound")) || isDir(path.join(courseDir, "personalized-inbound")),
  };
}

const ASSIGNMENT_NAME = /^[^\s/+][^/+]{0,199}$/;

/** Assignment ids released to students (folder names); unreadable folders are skipped. */
export async function releasedAssignments(root: string, courseId: string): Promise<string[]> {
  const courseDir = path.join(root, courseId);
  const names = new Set<string>();
  const list = async (dir: string) => {
    try {
      return (await fsp.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return [];
    }
  };
  for (const n of await list(path.join(courseDir, "outbound"))) names.add(n);
  for (const user of await list(path.join(courseDir, "personalized-outbound"))) {
    for (const n of await list(path.join(courseDir, "personalized-outbound", user))) names.add(n);
  }
  return [...names].filter((n) => ASSIGNMENT_NAME.test(n) && !n.startsWith(".")).sort();
}
