/** The hub-side Python, read from lib/render/python at render time (never kept in template strings). */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PYTHON_FILES = ["e2x_portal_config.py", "e2x_portal_hub.py", "e2x_portal_profiles.py", "e2x_portal_auth.py", "e2x_portal_exam.py"] as const;
export type PythonFile = (typeof PYTHON_FILES)[number];

/** Static URLs relative to this module, so bundlers can see (and copy) the files. */
function moduleRelative(name: PythonFile): URL | undefined {
  try {
    switch (name) {
      case "e2x_portal_config.py":
        return new URL("./python/e2x_portal_config.py", import.meta.url);
      case "e2x_portal_hub.py":
        return new URL("./python/e2x_portal_hub.py", import.meta.url);
      case "e2x_portal_profiles.py":
        return new URL("./python/e2x_portal_profiles.py", import.meta.url);
      case "e2x_portal_auth.py":
        return new URL("./python/e2x_portal_auth.py", import.meta.url);
      case "e2x_portal_exam.py":
        return new URL("./python/e2x_portal_exam.py", import.meta.url);
    }
  } catch {
    return undefined;
  }
}

function candidates(name: PythonFile): string[] {
  const out: string[] = [];
  const url = moduleRelative(name);
  if (url?.protocol === "file:") out.push(fileURLToPath(url));
  // fallback for bundles that rewrite import.meta.url: the project root
  out.push(path.join(process.cwd(), "lib", "render", "python", name));
  return out;
}

export function readPythonFile(name: PythonFile): string {
  for (const file of candidates(name)) {
    if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  }
  throw new Error(`hub Python file ${name} not found (looked in ${candidates(name).join(", ")})`);
}
