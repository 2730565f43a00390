import "server-only";
import { readFile } from "node:fs/promises";
import type { ConnectionOptions } from "node:tls";
import {
  Client,
  ConstraintViolationError,
  Filter,
  FilterParser,
  InappropriateAuthError,
  InvalidCredentialsError,
  SizeLimitExceededError,
  UnwillingToPerformError,
  type Entry,
} from "ldapts";
import { z } from "zod";
import { ROLES, type Role } from "@/lib/constants";

/**
 * LDAP sign-in for staff (admins, instructors, graders, supervisors).
 *
 * Flow: bind as the service account -> search the user by an escaped filter -> bind as the
 * user's DN with the given password (on a separate connection) -> search the user's groups
 * -> map groups to portal roles through LDAP_ROLE_MAP.
 *
 * Environment (LDAP is off when LDAP_URL is unset or empty):
 *
 *   LDAP_URL                ldap://host:389 or ldaps://host:636
 *   LDAP_BIND_DN            service account DN (read access to people and groups)
 *   LDAP_BIND_PASSWORD      service account password
 *   LDAP_SEARCH_BASE        where users live, e.g. ou=people,dc=uni,dc=de
 *   LDAP_USER_FILTER        default (uid={username}); {username} is RFC 4515-escaped
 *   LDAP_USERNAME_ATTRIBUTE default uid; the portal username is taken from this attribute of
 *                           the entry found (so "ALICE" signs in as "alice")
 *   LDAP_GROUP_SEARCH_BASE  default LDAP_SEARCH_BASE
 *   LDAP_GROUP_FILTER       default (|(member={dn})(memberUid={username})): matches
 *                           groupOfNames/groupOfUniqueNames-style DN members and posixGroup
 *                           memberUid; {dn} and {username} are RFC 4515-escaped. Nested
 *                           groups are not followed.
 *   LDAP_ROLE_MAP           see parseRoleMap() below; required
 *   LDAP_TIMEOUT_MS         default 5000; budget for the whole sign-in attempt (connects,
 *                           binds and searches); exceeding it yields "unavailable"
 *   LDAP_START_TLS          true|false (default false); upgrade ldap:// with StartTLS
 *   LDAP_TLS_CA_FILE        optional PEM file with the CA that signed the server certificate
 *   LDAP_TLS_REJECT_UNAUTHORIZED  default true; set false only for testing
 *
 * memberOf is not used: plain slapd only has it with the memberof overlay.
 *
 * A simple bind sends the password as is: outside loopback use ldaps:// or LDAP_START_TLS=true.
 *
 * Passwords are never logged. Callers should show "not-found" and "invalid-credentials"
 * with the same message, so the sign-in page does not reveal which user names exist.
 */

/** The roles a directory group can grant: the portal's global roles. */
export type LdapRole = Role;

export type RoleMapEntry =
  | { match: "dn"; group: string; roles: LdapRole[] }
  | { match: "cn"; group: string; roles: LdapRole[] };

export type LdapConfig = {
  url: string;
  bindDN: string;
  bindPassword: string;
  searchBase: string;
  userFilter: string;
  usernameAttribute: string;
  groupSearchBase: string;
  groupFilter: string;
  roleMap: RoleMapEntry[];
  timeoutMs: number;
  startTls: boolean;
  tlsCaFile?: string;
  tlsRejectUnauthorized: boolean;
};

export type LdapUser = {
  username: string;
  dn: string;
  displayName: string;
  email: string | null;
  roles: LdapRole[];
};

export type LdapAuthFailure = "invalid-credentials" | "not-found" | "unavailable" | "no-role";

export type LdapAuthResult = { ok: true; user: LdapUser } | { ok: false; reason: LdapAuthFailure };

export type LdapLogger = Pick<Console, "warn" | "error">;

export class LdapConfigError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = "LdapConfigError";
  }
}

// ---------------------------------------------------------------------------------------------
// LDAP_ROLE_MAP
// ---------------------------------------------------------------------------------------------

/**
 * Parses LDAP_ROLE_MAP.
 *
 * Syntax: entries separated by `;` or newlines; each entry is `<group>=<roles>`, split at the
 * LAST `=` (DNs contain `=` themselves). `<roles>` is one or more of admin, instructor,
 * grader, supervisor, separated by `,`. `<group>` is either
 *   - a full group DN (it contains `=`), compared with the group entry's DN
 *     case-insensitively and ignoring spaces around `,` and `=`, or
 *   - a bare name, compared case-insensitively with the group's `cn`.
 * Empty entries and surrounding whitespace are ignored. A user gets the union of the roles
 * of all their mapped groups.
 *
 *   LDAP_ROLE_MAP="cn=portal-admins,ou=groups,dc=uni,dc=de=admin; instructors=instructor,grader; graders=grader"
 */
export function parseRoleMap(text: string): RoleMapEntry[] {
  const entries: RoleMapEntry[] = [];
  const problems: string[] = [];
  for (const rawPart of text.split(/[;\n]/)) {
    const part = rawPart.trim();
    if (!part) continue;
    const eq = part.lastIndexOf("=");
    if (eq <= 0 || eq === part.length - 1) {
      problems.push(`"${part}": expected <group>=<role>`);
      continue;
    }
    const group = part.slice(0, eq).trim();
    const roleNames = part
      .slice(eq + 1)
      .split(",")
      .map((r) => r.trim().toLowerCase())
      .filter(Boolean);
    const bad = roleNames.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (bad.length > 0 || roleNames.length === 0) {
      problems.push(`"${part}": unknown role ${bad.map((b) => `"${b}"`).join(", ") || "(none)"}; expected ${ROLES.join("|")}`);
      continue;
    }
    const roles = [...new Set(roleNames)] as LdapRole[];
    entries.push(group.includes("=") ? { match: "dn", group: normalizeDN(group), roles } : { match: "cn", group: group.toLowerCase(), roles });
  }
  if (problems.length > 0) throw new LdapConfigError(`LDAP_ROLE_MAP is invalid: ${problems.join("; ")}`, problems);
  return entries;
}

/** Case-folds a DN and removes insignificant spaces around `,`, `+` and `=` (good enough for matching). */
export function normalizeDN(dn: string): string {
  return dn
    .trim()
    .replace(/\s*([,=+])\s*/g, "$1")
    .toLowerCase();
}

/** Roles for a set of groups, in ROLES order (deduplicated). */
export function rolesForGroups(groups: { dn: string; cn: string[] }[], roleMap: RoleMapEntry[]): LdapRole[] {
  const granted = new Set<LdapRole>();
  for (const g of groups) {
    const dn = normalizeDN(g.dn);
    const cns = g.cn.map((c) => c.toLowerCase());
    for (const entry of roleMap) {
      const hit = entry.match === "dn" ? entry.group === dn : cns.includes(entry.group);
      if (hit) entry.roles.forEach((r) => granted.add(r));
    }
  }
  return ROLES.filter((r) => granted.has(r));
}

// ---------------------------------------------------------------------------------------------
// Configuration from the environment
// ---------------------------------------------------------------------------------------------

const boolFromEnv = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (["1", "true", "yes", "on"].includes(v)) return true;
      if (["0", "false", "no", "off"].includes(v)) return false;
      ctx.addIssue({ code: "custom", message: "must be true or false" });
      return z.NEVER;
    });

/** Substitutes placeholders (escaped) and checks that the result is a valid LDAP filter. */
function filterTemplate(placeholders: string[], required: boolean) {
  return z
    .string()
    .trim()
    .min(1)
    .superRefine((tpl, ctx) => {
      const present = placeholders.filter((p) => tpl.includes(`{${p}}`));
      if (required ? present.length < placeholders.length : present.length === 0) {
        const list = placeholders.map((p) => `{${p}}`).join(required ? " and " : " or ");
        ctx.addIssue({ code: "custom", message: `must contain ${list}` });
      }
      try {
        FilterParser.parseString(fillFilter(tpl, { username: "probe", dn: "uid=probe,dc=example" }));
      } catch (err) {
        ctx.addIssue({ code: "custom", message: `is not a valid LDAP filter (${(err as Error).message})` });
      }
    });
}

const nonEmpty = z.string().trim().min(1, "is required");

const envSchema = z
  .object({
    LDAP_URL: z
      .string()
      .trim()
      .regex(/^ldaps?:\/\/[^\s/]+\/?$/i, "must look like ldap://host[:port] or ldaps://host[:port]"),
    LDAP_BIND_DN: nonEmpty,
    LDAP_BIND_PASSWORD: z.string().min(1, "is required"),
    LDAP_SEARCH_BASE: nonEmpty,
    LDAP_USER_FILTER: z.preprocess(emptyToUndefined, filterTemplate(["username"], true).default("(uid={username})")),
    LDAP_USERNAME_ATTRIBUTE: z.preprocess(emptyToUndefined, z.string().trim().regex(/^[A-Za-z][A-Za-z0-9-]*$/, "must be an attribute name").default("uid")),
    LDAP_GROUP_SEARCH_BASE: z.preprocess(emptyToUndefined, nonEmpty.optional()),
    LDAP_GROUP_FILTER: z.preprocess(
      emptyToUndefined,
      filterTemplate(["dn", "username"], false).default("(|(member={dn})(memberUid={username}))"),
    ),
    LDAP_ROLE_MAP: z
      .string({ error: "is required (e.g. portal-admins=admin;graders=grader)" })
      .transform((v, ctx) => {
        try {
          const map = parseRoleMap(v);
          if (map.length === 0) {
            ctx.addIssue({ code: "custom", message: "has no entries" });
            return z.NEVER;
          }
          return map;
        } catch (err) {
          const issues = err instanceof LdapConfigError ? err.issues : [(err as Error).message];
          for (const message of issues) ctx.addIssue({ code: "custom", message });
          return z.NEVER;
        }
      }),
    LDAP_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number({ error: "must be a number of milliseconds" }).int().min(100).max(120_000).default(5000)),
    LDAP_START_TLS: boolFromEnv(false),
    LDAP_TLS_CA_FILE: z.preprocess(emptyToUndefined, z.string().trim().optional()),
    LDAP_TLS_REJECT_UNAUTHORIZED: boolFromEnv(true),
  })
  .superRefine((v, ctx) => {
    if (v.LDAP_START_TLS && /^ldaps:/i.test(v.LDAP_URL)) {
      ctx.addIssue({ code: "custom", path: ["LDAP_START_TLS"], message: "cannot be used with an ldaps:// URL (already TLS)" });
    }
  });

function emptyToUndefined(v: unknown) {
  return typeof v === "string" && v.trim() === "" ? undefined : v;
}

/**
 * Reads the LDAP settings. Returns null when LDAP is not configured (LDAP_URL unset or
 * empty); throws LdapConfigError (listing variable names, never values) when it is
 * configured but something is missing or malformed.
 */
export function ldapConfigFromEnv(env: Record<string, string | undefined> = process.env): LdapConfig | null {
  if (!env.LDAP_URL || env.LDAP_URL.trim() === "") return null;
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "LDAP"}: ${i.message}`);
    throw new LdapConfigError(`LDAP configuration is invalid: ${issues.join("; ")}`, issues);
  }
  const v = parsed.data;
  return {
    url: v.LDAP_URL.replace(/\/$/, ""),
    bindDN: v.LDAP_BIND_DN,
    bindPassword: v.LDAP_BIND_PASSWORD,
    searchBase: v.LDAP_SEARCH_BASE,
    userFilter: v.LDAP_USER_FILTER,
    usernameAttribute: v.LDAP_USERNAME_ATTRIBUTE,
    groupSearchBase: v.LDAP_GROUP_SEARCH_BASE ?? v.LDAP_SEARCH_BASE,
    groupFilter: v.LDAP_GROUP_FILTER,
    roleMap: v.LDAP_ROLE_MAP,
    timeoutMs: v.LDAP_TIMEOUT_MS,
    startTls: v.LDAP_START_TLS,
    ...(v.LDAP_TLS_CA_FILE ? { tlsCaFile: v.LDAP_TLS_CA_FILE } : {}),
    tlsRejectUnauthorized: v.LDAP_TLS_REJECT_UNAUTHORIZED,
  };
}

/** Replaces {username} and {dn} with RFC 4515-escaped values (`*`, `(`, `)`, `\`, NUL). */
export function fillFilter(template: string, values: { username: string; dn?: string }): string {
  return template.replace(/\{(username|dn)\}/g, (_, key: "username" | "dn") => Filter.escape(values[key] ?? ""));
}

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/** Longest user name we send to the directory at all. */
const MAX_USERNAME_LENGTH = 256;

class Timeout extends Error {}

function firstString(entry: Entry, attribute: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (!key) return undefined;
  const value = entry[key];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString("utf8") : String(first);
}

function allStrings(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (!key) return [];
  const value = entry[key];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v)));
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${err.name}${code ? ` ${code}` : ""}: ${err.message}`;
  }
  return String(err);
}

/**
 * Checks a user name and password against the directory and returns the user with their
 * portal roles. Never throws for directory problems: they come back as "unavailable".
 */
export async function authenticateLdap(
  username: string,
  password: string,
  config: LdapConfig,
  opts: { logger?: LdapLogger } = {},
): Promise<LdapAuthResult> {
  const log = opts.logger ?? console;
  const name = typeof username === "string" ? username.trim() : "";
  // An empty password would make the user bind an "unauthenticated" simple bind, which many
  // servers accept as success (RFC 4513 5.1.2). Refuse before touching the network.
  if (typeof password !== "string" || password.length === 0) return { ok: false, reason: "invalid-credentials" };
  if (!name) return { ok: false, reason: "invalid-credentials" };
  // Control characters never occur in real user names; refusing them keeps logs clean too.
  // eslint-disable-next-line no-control-regex
  if (name.length > MAX_USERNAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) return { ok: false, reason: "not-found" };

  const clients: Client[] = [];
  let abandoned = false;
  let tlsOptions: ConnectionOptions | undefined;
  const newClient = () => {
    // After a timeout the attempt may still be running: open no further connections.
    if (abandoned) throw new Timeout();
    const c = new Client({
      url: config.url,
      timeout: config.timeoutMs,
      connectTimeout: config.timeoutMs,
      // ldapts connects with TLS right away whenever tlsOptions are given, so only pass them
      // for ldaps://; StartTLS gets its options in startTls() below.
      ...(tlsOptions && /^ldaps:/i.test(config.url) ? { tlsOptions } : {}),
    });
    clients.push(c);
    return c;
  };

  const attempt = async (): Promise<LdapAuthResult> => {
    if (config.tlsCaFile || !config.tlsRejectUnauthorized) {
      tlsOptions = {
        ...(config.tlsCaFile ? { ca: await readFile(config.tlsCaFile) } : {}),
        rejectUnauthorized: config.tlsRejectUnauthorized,
      };
    }
    // startTLS() writes into the options it gets: hand each connection its own copy. `host`
    // names the server for the certificate check (the socket is already connected).
    const startTls = (c: Client) => c.startTLS({ ...tlsOptions, host: new URL(config.url).hostname.replace(/^\[|\]$/g, "") });
    const service = newClient();
    if (config.startTls) await startTls(service);
    try {
      await service.bind(config.bindDN, config.bindPassword);
    } catch (err) {
      log.error(`ldap: service account bind failed (${describeError(err)})`);
      return { ok: false, reason: "unavailable" };
    }

    let entries: Entry[];
    try {
      ({ searchEntries: entries } = await service.search(config.searchBase, {
        scope: "sub",
        filter: fillFilter(config.userFilter, { username: name }),
        attributes: [config.usernameAttribute, "cn", "displayName", "mail", "givenName", "sn"],
        sizeLimit: 2,
      }));
    } catch (err) {
      if (err instanceof SizeLimitExceededError) {
        log.warn(`ldap: user filter matches several entries for "${name}"; refusing`);
        return { ok: false, reason: "not-found" };
      }
      throw err;
    }
    if (entries.length === 0) return { ok: false, reason: "not-found" };
    if (entries.length > 1) {
      log.warn(`ldap: user filter matches several entries for "${name}"; refusing`);
      return { ok: false, reason: "not-found" };
    }
    const entry = entries[0];

    const asUser = newClient();
    if (config.startTls) await startTls(asUser);
    try {
      await asUser.bind(entry.dn, password);
    } catch (err) {
      if (
        err instanceof InvalidCredentialsError ||
        err instanceof ConstraintViolationError || // e.g. account locked (ppolicy)
        err instanceof InappropriateAuthError ||
        err instanceof UnwillingToPerformError // e.g. account disabled
      ) {
        return { ok: false, reason: "invalid-credentials" };
      }
      throw err;
    }

    const canonical = firstString(entry, config.usernameAttribute) ?? name;
    const { searchEntries: groups } = await service.search(config.groupSearchBase, {
      scope: "sub",
      filter: fillFilter(config.groupFilter, { username: canonical, dn: entry.dn }),
      attributes: ["cn"],
    });
    const roles = rolesForGroups(
      groups.map((g) => ({ dn: g.dn, cn: allStrings(g, "cn") })),
      config.roleMap,
    );
    if (roles.length === 0) return { ok: false, reason: "no-role" };

    const given = firstString(entry, "givenName");
    const sn = firstString(entry, "sn");
    const displayName =
      firstString(entry, "displayName") ?? firstString(entry, "cn") ?? ([given, sn].filter(Boolean).join(" ") || canonical);
    return {
      ok: true,
      user: { username: canonical, dn: entry.dn, displayName, email: firstString(entry, "mail") ?? null, roles },
    };
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      attempt(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Timeout()), config.timeoutMs);
      }),
    ]);
  } catch (err) {
    if (err instanceof Timeout) log.error(`ldap: no answer from ${config.url} within ${config.timeoutMs} ms`);
    else log.error(`ldap: directory unavailable at ${config.url} (${describeError(err)})`);
    return { ok: false, reason: "unavailable" };
  } finally {
    abandoned = true;
    clearTimeout(timer);
    // unbind() also closes the socket; don't let a hung server delay the answer.
    for (const c of clients) void c.unbind().catch(() => {});
  }
}
