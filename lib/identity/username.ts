/**
 * The one username rule of the portal, and how an E2x exam login derives from a roster entry.
 * Pure functions without imports: CSV import, manual add, staff accounts, sign-in, the
 * renderer and the browser all use this file; the hub-side Python
 * (`lib/render/python/e2x_portal_profiles.py`, `normalize_username`) applies the same rule,
 * checked against `__golden__/username-vectors.json` by both test suites.
 *
 * Normalization, as a JupyterHub 5.5 hub sees a name:
 * 1. trim: the hub's login form strips the typed name (`LoginHandler.post` reads it with
 *    `get_argument("username", strip=True)`, Python's `str.strip()`: the whitespace set below);
 * 2. Unicode NFC: a name typed or exported on macOS may arrive decomposed (`u` + U+0308); the
 *    portal and the hub-side lookup both compose it, so one person is one key. JupyterHub itself
 *    does not normalize Unicode; for the names the portal accepts (ASCII, see below) NFC changes
 *    nothing;
 * 3. lower case: `Authenticator.normalize_username` returns `username.lower()` (then
 *    `username_map`), so `Alice` and `alice` are one hub user. JavaScript's `toLowerCase` and
 *    Python's `str.lower` both apply Unicode's full lower-case mapping.
 *
 * Accepted names (roster, manual add, staff accounts): after normalization an ASCII letter or
 * digit, then letters, digits, `.`, `_`, `@`, `-`, at most 64 characters. The name ends up in
 * hub URLs (`/user/<name>/`), in Kubernetes object names KubeSpawner derives from it, in NFS
 * paths (`homes/<mode>/students/<course_id>/<name>`) and in shell-driven tools: spaces,
 * quotes, slashes and non-ASCII letters break or get escaped differently in each of those; a
 * leading `.` or `-` could make a hidden directory, `..` or a command-line option. University
 * accounts (FB02UID) and e-mail-style logins fit the rule.
 *
 * Exam logins: the roster username is the student's university account (FB02UID), the login
 * of the teaching hubs. The E2x exam tools create a separate login per exam,
 * `<course>-<FB02UID>` (`create_bulk_users.sh -course_name wus` makes `wus-test02s` for
 * `test02s`); the portal derives it with `examLogin(courseCode, student)`. An E2x exam account
 * list (`Name,FB02UID,Username,...`) is therefore imported by its FB02UID; its `Username` column
 * holds those derived logins and is not kept (the import preview says so, and names logins
 * that do not follow the rule).
 */

/** What Python's `str.strip()` removes (`str.isspace`): the hub strips typed names with it. */
const PY_WHITESPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const TRIM = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, "g");

/** Already normal: nothing to trim, ASCII (NFC as it is), no upper case. Most names are. */
const NORMAL_ASCII = /^[\x21-\x40\x5b-\x7e]*$/;

/** Trim (as Python's `str.strip`), Unicode NFC, lower case (as `Authenticator.normalize_username`). */
export function normalizeUsername(raw: string): string {
  if (NORMAL_ASCII.test(raw)) return raw;
  return raw.replace(TRIM, "").normalize("NFC").toLowerCase();
}

export const USERNAME_MAX_LENGTH = 64;

/** A normalized username the portal accepts. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/** The rule in words, for error messages. */
export const USERNAME_RULE = "letters a-z, digits and . _ @ - only, starting with a letter or digit, at most 64 characters";


export type UsernameCheck = { ok: true; username: string; changed: boolean } | { ok: false; username: string; reason: string };

/** Normalizes and validates. `changed`: the input was not already in normal form (e.g. upper case). */
export function checkUsername(raw: string): UsernameCheck {
  const username = normalizeUsername(raw);
  if (username === "") return { ok: false, username, reason: "the user name is empty" };
  if (!USERNAME_PATTERN.test(username)) return { ok: false, username, reason: `user name "${raw.trim()}" is not allowed (${USERNAME_RULE})` };
  return { ok: true, username, changed: username !== raw };
}

/** True when two spellings are one hub user. */
export function sameUsername(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return normalizeUsername(a) === normalizeUsername(b);
}

/** The parts of a roster entry an exam login derives from. */
export interface ExamLoginSource {
  username: string;
  /** The FB02UID the import file named; the username when absent. */
  universityId?: string | null;
}

/** The student's university account (FB02UID): what E2x exam logins are built from. */
export function universityAccountOf(student: ExamLoginSource): string {
  return normalizeUsername(student.universityId || student.username);
}

/**
 * The E2x exam login of a roster entry: `<course>-<FB02UID>`, normalized like every username
 * (so `Mathe1` + `ABC12S` gives `mathe1-abc12s`). `courseCode` is the portal's course code
 * (lower-case letters, digits, `-`, `_`), the prefix the E2x tools take as `-course_name`.
 * The result may be longer than 64 characters for long course codes; it is what the hub will
 * be told, never re-validated against the roster rule.
 */
export function examLogin(courseCode: string, student: ExamLoginSource): string {
  const course = normalizeUsername(courseCode);
  if (!course) throw new Error("examLogin: the course code is empty");
  return normalizeUsername(`${course}-${universityAccountOf(student)}`);
}

/**
 * Reads an E2x exam login back: the FB02UID when `login` is `<courseCode>-<FB02UID>`, else null.
 * With `courseCode` omitted, any `<prefix>-` (the first `-`) is accepted and the prefix returned.
 */
export function parseExamLogin(login: string, courseCode?: string): { prefix: string; account: string } | null {
  const l = normalizeUsername(login);
  if (courseCode !== undefined) {
    const p = `${normalizeUsername(courseCode)}-`;
    return l.startsWith(p) && l.length > p.length ? { prefix: p.slice(0, -1), account: l.slice(p.length) } : null;
  }
  const i = l.indexOf("-");
  return i > 0 && i < l.length - 1 ? { prefix: l.slice(0, i), account: l.slice(i + 1) } : null;
}
