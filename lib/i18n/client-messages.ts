/**
 * Which messages reach the browser. Server components translate from the whole catalogue; client
 * components get only the namespaces listed here for their part of the app, because whatever
 * the client provider holds is written into every HTML and RSC response (the whole catalogue
 * is over 100 KB per language).
 *
 * A part is an app folder whose layout wraps its pages in `<ClientMessages of="<folder>">`
 * (components/i18n/client-messages.tsx); a page's client components read the list of the nearest
 * such folder above them. `client-messages.test.ts` follows the imports of every file under
 * app/ and fails when a client component uses a namespace its part does not list.
 *
 * Parts do not nest below the shell: the roster's folder sits in a route group of its own,
 * `(roster)`, beside `courses`, so that its pages do not also carry the course pages' messages
 * (20 KB per response) they never use.
 */
import type { Messages } from "./messages";

export const CLIENT_NAMESPACES = {
  // the not-found and 403 pages have no client component with text
  app: [],
  "app/(auth)": ["signIn", "password"],
  "app/(portal)": ["students.search", "pages.error"],
  "app/(portal)/staff": ["staff", "shell.roles", "ui", "common"],
  "app/(portal)/cluster": ["cluster", "hubValues", "settingsForm", "pushPanel", "pushWords", "pushObjects", "portalWarnings", "hubRestarts", "mounts", "plan", "progress", "ui", "common"],
  "app/(portal)/courses": ["courses", "term", "hubs", "staffPanel", "roles", "grading", "scanProblems", "ui", "common"],
  "app/(portal)/(roster)/courses/[courseId]/terms/[termId]/roster": ["roster.table", "roster.add", "roster.msg", "rosterImport", "columnMapping", "ui", "common"],
  "app/(portal)/exams": ["exams.tabs", "examForm", "examPage", "hubStep", "hubApi", "unlock", "board", "participants", "seating", "rooms", "sheets", "receipts", "preflight.form", "ui", "common"],
} as const satisfies Record<string, readonly string[]>;

export type ClientPart = keyof typeof CLIENT_NAMESPACES;

type Tree = { [key: string]: unknown };

/** The namespaces (dotted paths, "roster.table") of a catalogue, as a catalogue of their own. */
export function pickMessages(messages: Tree, namespaces: readonly string[]): Tree {
  const out: Tree = {};
  for (const ns of namespaces) {
    const path = ns.split(".");
    let value: unknown = messages;
    for (const k of path) value = value && typeof value === "object" ? (value as Tree)[k] : undefined;
    if (value === undefined) continue;
    let at = out;
    // fresh objects on the way down: the catalogue itself is never written to
    for (const k of path.slice(0, -1)) at = at[k] = { ...(at[k] as Tree | undefined) };
    at[path.at(-1)!] = value;
  }
  return out;
}

const picked = new WeakMap<object, Map<ClientPart, Tree>>();

/** The messages for one part of the app, from one language's catalogue (computed once per part). */
export function clientMessages(messages: Messages | Tree, part: ClientPart): Tree {
  let parts = picked.get(messages);
  if (!parts) picked.set(messages, (parts = new Map()));
  let m = parts.get(part);
  if (!m) parts.set(part, (m = pickMessages(messages as Tree, CLIENT_NAMESPACES[part])));
  return m;
}
