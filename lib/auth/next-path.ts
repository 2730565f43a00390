/**
 * Where to go after sign-in: a path on this portal only. Anything that could leave the
 * origin ("//host", "/\host", "https://host", control characters) or loop back to the
 * sign-in page gives null.
 */
export function safeNextPath(next: unknown): string | null {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return null;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, "http://portal.invalid");
  } catch {
    return null;
  }
  if (url.origin !== "http://portal.invalid") return null;
  if (url.pathname === "/sign-in" || url.pathname.startsWith("/api/")) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page that returns to `path` afterwards. */
export function signInHref(path: string | null | undefined, extra: Record<string, string> = {}): string {
  const next = safeNextPath(path);
  const q = new URLSearchParams({ ...extra, ...(next && next !== "/" ? { next } : {}) }).toString();
  return q ? `/sign-in?${q}` : "/sign-in";
}
