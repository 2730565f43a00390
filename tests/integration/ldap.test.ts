import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LDAP_FIXTURE_USERS, LDAP_GROUPS_BASE, startLdap, type LdapServer } from "@/e2e/services/ldap";
import {
  LdapConfigError,
  authenticateLdap,
  fillFilter,
  ldapConfigFromEnv,
  parseRoleMap,
  rolesForGroups,
  type LdapConfig,
} from "@/lib/auth/ldap";

const pw = (uid: string) => {
  const u = LDAP_FIXTURE_USERS.find((x) => x.uid === uid);
  if (!u) throw new Error(`no fixture user ${uid}`);
  return u.password;
};

/** Collects log lines so tests can check that no password is ever written. */
function captureLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      warn: (...a: unknown[]) => void lines.push(a.map(String).join(" ")),
      error: (...a: unknown[]) => void lines.push(a.map(String).join(" ")),
    },
  };
}

describe("ldapConfigFromEnv", () => {
  const base = {
    LDAP_URL: "ldap://127.0.0.1:389",
    LDAP_BIND_DN: "cn=svc,dc=e2x,dc=test",
    LDAP_BIND_PASSWORD: "svc-secret-value",
    LDAP_SEARCH_BASE: "ou=people,dc=e2x,dc=test",
    LDAP_ROLE_MAP: "graders=grader",
  };

  it("returns null when LDAP is not configured", () => {
    expect(ldapConfigFromEnv({})).toBeNull();
    expect(ldapConfigFromEnv({ LDAP_URL: "  " })).toBeNull();
  });

  it("fills the defaults", () => {
    const c = ldapConfigFromEnv(base)!;
    expect(c.userFilter).toBe("(uid={username})");
    expect(c.groupFilter).toBe("(|(member={dn})(memberUid={username}))");
    expect(c.groupSearchBase).toBe(base.LDAP_SEARCH_BASE);
    expect(c.usernameAttribute).toBe("uid");
    expect(c.timeoutMs).toBe(5000);
    expect(c.startTls).toBe(false);
    expect(c.tlsRejectUnauthorized).toBe(true);
  });

  it("reads every setting", () => {
    const c = ldapConfigFromEnv({
      ...base,
      LDAP_URL: "ldap://ldap.uni.example:389/",
      LDAP_USER_FILTER: "(&(objectClass=inetOrgPerson)(uid={username}))",
      LDAP_GROUP_SEARCH_BASE: "ou=groups,dc=e2x,dc=test",
      LDAP_GROUP_FILTER: "(member={dn})",
      LDAP_TIMEOUT_MS: "1500",
      LDAP_START_TLS: "true",
      LDAP_TLS_REJECT_UNAUTHORIZED: "false",
    })!;
    expect(c.url).toBe("ldap://ldap.uni.example:389");
    expect(c.groupSearchBase).toBe("ou=groups,dc=e2x,dc=test");
    expect(c.timeoutMs).toBe(1500);
    expect(c.startTls).toBe(true);
    expect(c.tlsRejectUnauthorized).toBe(false);
  });

  it("rejects a broken configuration naming the variables, never the password", () => {
    let error: unknown;
    try {
      ldapConfigFromEnv({
        ...base,
        LDAP_SEARCH_BASE: "",
        LDAP_USER_FILTER: "(cn=foo)",
        LDAP_ROLE_MAP: "graders=god",
        LDAP_TIMEOUT_MS: "soon",
        LDAP_START_TLS: "maybe",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LdapConfigError);
    const msg = (error as Error).message;
    for (const v of ["LDAP_SEARCH_BASE", "LDAP_USER_FILTER", "LDAP_ROLE_MAP", "LDAP_TIMEOUT_MS", "LDAP_START_TLS"]) expect(msg).toContain(v);
    expect(msg).not.toContain(base.LDAP_BIND_PASSWORD);
  });

  it("refuses StartTLS on an ldaps:// URL", () => {
    expect(() => ldapConfigFromEnv({ ...base, LDAP_URL: "ldaps://ldap.uni.example", LDAP_START_TLS: "1" })).toThrow(/LDAP_START_TLS/);
  });

  it("rejects a filter that does not parse", () => {
    expect(() => ldapConfigFromEnv({ ...base, LDAP_GROUP_FILTER: "(member={dn}" })).toThrow(/LDAP_GROUP_FILTER/);
  });

  it("requires a role map", () => {
    expect(() => ldapConfigFromEnv({ ...base, LDAP_ROLE_MAP: undefined })).toThrow(/LDAP_ROLE_MAP/);
    expect(() => ldapConfigFromEnv({ ...base, LDAP_ROLE_MAP: " ; " })).toThrow(/LDAP_ROLE_MAP/);
  });
});

describe("LDAP_ROLE_MAP", () => {
  it("parses DN and cn keys, splitting at the last '='", () => {
    const map = parseRoleMap(`cn=Portal-Admins, ou=groups,dc=e2x,dc=test = admin;\n instructors=instructor,grader ; ;graders=grader`);
    expect(map).toEqual([
      { match: "dn", group: "cn=portal-admins,ou=groups,dc=e2x,dc=test", roles: ["admin"] },
      { match: "cn", group: "instructors", roles: ["instructor", "grader"] },
      { match: "cn", group: "graders", roles: ["grader"] },
    ]);
  });

  it("rejects unknown roles and entries without a role", () => {
    expect(() => parseRoleMap("graders=student")).toThrow(LdapConfigError);
    expect(() => parseRoleMap("graders")).toThrow(/expected <group>=<role>/);
    expect(() => parseRoleMap("graders=")).toThrow(LdapConfigError);
  });

  it("maps groups to the union of roles", () => {
    const map = parseRoleMap(`cn=portal-admins,${LDAP_GROUPS_BASE}=admin;GRADERS=grader;supervisors=supervisor`);
    const roles = rolesForGroups(
      [
        { dn: `CN=Portal-Admins, OU=groups, DC=e2x, DC=test`, cn: ["Portal-Admins"] },
        { dn: `cn=graders,${LDAP_GROUPS_BASE}`, cn: ["graders"] },
        { dn: `cn=other,${LDAP_GROUPS_BASE}`, cn: ["other"] },
      ],
      map,
    );
    expect(roles).toEqual(["admin", "grader"]);
  });

  it("escapes placeholders per RFC 4515", () => {
    expect(fillFilter("(uid={username})", { username: "alice)(uid=*" })).toBe("(uid=alice\\29\\28uid=\\2a)");
    expect(fillFilter("(member={dn})", { username: "x", dn: "uid=a\\,b,dc=x" })).toBe("(member=uid=a\\5c,b,dc=x)");
  });
});

describe("authenticateLdap against slapd", () => {
  let ldap: LdapServer;
  let config: LdapConfig;

  beforeAll(async () => {
    ldap = await startLdap();
    config = ldapConfigFromEnv({ ...ldap.env, LDAP_TIMEOUT_MS: "3000" })!;
  });
  afterAll(async () => {
    await ldap?.stop();
  });

  it("signs in an admin and maps the group DN to admin", async () => {
    const { logger, lines } = captureLogger();
    const res = await authenticateLdap("alice", pw("alice"), config, { logger });
    expect(res).toEqual({
      ok: true,
      user: { username: "alice", dn: "uid=alice,ou=people,dc=e2x,dc=test", displayName: "Alice Admin", email: "alice@e2x.test", roles: ["admin"] },
    });
    expect(lines).toEqual([]);
  });

  it("maps every fixture group (groupOfNames and posixGroup)", async () => {
    const roles = async (uid: string) => {
      const r = await authenticateLdap(uid, pw(uid), config);
      return r.ok ? r.user.roles : r.reason;
    };
    expect(await roles("gina")).toEqual(["grader"]);
    expect(await roles("ian")).toEqual(["instructor", "grader"]);
    expect(await roles("sam")).toEqual(["supervisor"]); // posixGroup memberUid
  });

  it("returns the directory's spelling of the user name", async () => {
    const res = await authenticateLdap("  ALICE ", pw("alice"), config);
    expect(res.ok && res.user.username).toBe("alice");
  });

  it("keeps umlauts in names and passwords intact", async () => {
    const res = await authenticateLdap("juergen", pw("juergen"), config);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.user.displayName).toBe("Jürgen Müller");
    expect(res.user.displayName.normalize("NFC")).toBe(res.user.displayName);
    expect(res.user.roles).toEqual(["instructor"]);
  });

  it("refuses a wrong password", async () => {
    expect(await authenticateLdap("alice", "wrong", config)).toEqual({ ok: false, reason: "invalid-credentials" });
    expect(await authenticateLdap("alice", pw("gina"), config)).toEqual({ ok: false, reason: "invalid-credentials" });
  });

  it("reports an unknown user", async () => {
    expect(await authenticateLdap("mallory", "whatever", config)).toEqual({ ok: false, reason: "not-found" });
  });

  it("refuses an empty password without asking the directory (anonymous-bind trap)", async () => {
    expect(await authenticateLdap("alice", "", config)).toEqual({ ok: false, reason: "invalid-credentials" });
    // Pointed at nothing, it still answers invalid-credentials: no connection was attempted.
    const nowhere = { ...config, url: "ldap://127.0.0.1:1" };
    expect(await authenticateLdap("alice", "", nowhere)).toEqual({ ok: false, reason: "invalid-credentials" });
    expect(await authenticateLdap("", "x", nowhere)).toEqual({ ok: false, reason: "invalid-credentials" });
  });

  it("escapes filter syntax in the user name", async () => {
    for (const evil of ["*", "a*", "alice)(uid=*", "*)(|(uid=*", "alice)(|(objectClass=*)", "alice\\", "(uid=alice)"]) {
      expect(await authenticateLdap(evil, pw("alice"), config), evil).toEqual({ ok: false, reason: "not-found" });
    }
    expect(await authenticateLdap("alice\u0000", pw("alice"), config)).toEqual({ ok: false, reason: "not-found" });
  });

  it("refuses a user filter that matches several entries", async () => {
    const { logger, lines } = captureLogger();
    const loose = { ...config, userFilter: "(|(uid={username})(uid=gina))" };
    expect(await authenticateLdap("alice", pw("alice"), loose, { logger })).toEqual({ ok: false, reason: "not-found" });
    expect(lines.join("\n")).toMatch(/several entries/);
  });

  it("signs in a student-only account with no portal role as no-role", async () => {
    expect(await authenticateLdap("stud1", pw("stud1"), config)).toEqual({ ok: false, reason: "no-role" });
  });

  it("treats a wrong service password as unavailable and logs no secrets", async () => {
    const { logger, lines } = captureLogger();
    const res = await authenticateLdap("alice", pw("alice"), { ...config, bindPassword: "nope-not-it" }, { logger });
    expect(res).toEqual({ ok: false, reason: "unavailable" });
    expect(lines.join("\n")).toMatch(/service account bind failed/);
    expect(lines.join("\n")).not.toContain(pw("alice"));
    expect(lines.join("\n")).not.toContain("nope-not-it");
  });

  it("answers unavailable quickly when slapd is stopped", async () => {
    const other = await startLdap({ empty: true });
    const cfg: LdapConfig = { ...config, url: other.url };
    await other.stop();
    const { logger } = captureLogger();
    const t0 = Date.now();
    const res = await authenticateLdap("alice", pw("alice"), cfg, { logger });
    const elapsed = Date.now() - t0;
    expect(res).toEqual({ ok: false, reason: "unavailable" });
    expect(elapsed).toBeLessThan(1500);
  });

  it("answers unavailable after LDAP_TIMEOUT_MS when the server hangs", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => void sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const { logger, lines } = captureLogger();
      const t0 = Date.now();
      const res = await authenticateLdap("alice", pw("alice"), { ...config, url: `ldap://127.0.0.1:${port}`, timeoutMs: 300 }, { logger });
      const elapsed = Date.now() - t0;
      expect(res).toEqual({ ok: false, reason: "unavailable" });
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2000);
      expect(lines.join("\n")).not.toContain(pw("alice"));
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });
});

describe("authenticateLdap over TLS", () => {
  let ldap: LdapServer;
  beforeAll(async () => {
    ldap = await startLdap({ tls: true });
  });
  afterAll(async () => {
    await ldap?.stop();
  });

  it("signs in with StartTLS, trusting the configured CA", async () => {
    const config = ldapConfigFromEnv({ ...ldap.env, LDAP_START_TLS: "true", LDAP_TLS_CA_FILE: ldap.caFile })!;
    const res = await authenticateLdap("gina", pw("gina"), config);
    expect(res.ok && res.user.roles).toEqual(["grader"]);
  });

  it("signs in over ldaps://", async () => {
    const config = ldapConfigFromEnv({ ...ldap.env, LDAP_URL: ldap.ldapsUrl, LDAP_TLS_CA_FILE: ldap.caFile })!;
    const res = await authenticateLdap("juergen", pw("juergen"), config);
    expect(res.ok && res.user.displayName).toBe("Jürgen Müller");
  });

  it("refuses a server certificate it cannot verify", async () => {
    const { logger, lines } = captureLogger();
    const config = ldapConfigFromEnv({ ...ldap.env, LDAP_START_TLS: "true" })!;
    expect(await authenticateLdap("gina", pw("gina"), config, { logger })).toEqual({ ok: false, reason: "unavailable" });
    expect(lines.join("\n")).toMatch(/certificate/i);
  });
});
