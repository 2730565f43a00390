// A real OpenLDAP server for tests: Debian's slapd, started unprivileged from a temp dir on a
// free loopback port, filled with a small fixture directory (people + groups).
//
//   const ldap = await startLdap();
//   ... ldap.url, ldap.bindDN, ldap.bindPassword, ldap.searchBase ...
//   await ldap.stop();
//
// Needs the Debian packages `slapd` and `ldap-utils` (scripts/provision/apt.sh).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "ldapts";

export const LDAP_SUFFIX = "dc=e2x,dc=test";
export const LDAP_PEOPLE_BASE = `ou=people,${LDAP_SUFFIX}`;
export const LDAP_GROUPS_BASE = `ou=groups,${LDAP_SUFFIX}`;

/** Directory manager (slapd rootdn): full write access, used to load the fixtures. */
export const LDAP_ROOT_DN = `cn=admin,${LDAP_SUFFIX}`;
export const LDAP_ROOT_PASSWORD = "root-secret";

/** Read-only service account the portal binds as to search users and groups. */
export const LDAP_SERVICE_DN = `cn=portal-service,${LDAP_SUFFIX}`;
export const LDAP_SERVICE_PASSWORD = "service-secret";

export type LdapFixtureUser = {
  uid: string;
  cn: string;
  givenName: string;
  sn: string;
  mail: string;
  password: string;
  uidNumber: number;
  /** cn of every fixture group the user belongs to. */
  groups: string[];
};

/**
 * The people in the test directory. `stud1` is in no portal group (only `students`), so it
 * maps to no portal role. `juergen` has non-ASCII characters in cn/givenName/sn.
 */
export const LDAP_FIXTURE_USERS: readonly LdapFixtureUser[] = [
  { uid: "alice", cn: "Alice Admin", givenName: "Alice", sn: "Admin", mail: "alice@e2x.test", password: "alice-pw-1", uidNumber: 10001, groups: ["portal-admins"] },
  { uid: "gina", cn: "Gina Grader", givenName: "Gina", sn: "Grader", mail: "gina@e2x.test", password: "gina-pw-1", uidNumber: 10002, groups: ["graders"] },
  { uid: "ian", cn: "Ian Instructor", givenName: "Ian", sn: "Instructor", mail: "ian@e2x.test", password: "ian-pw-1", uidNumber: 10003, groups: ["instructors", "graders"] },
  { uid: "sam", cn: "Sam Supervisor", givenName: "Sam", sn: "Supervisor", mail: "sam@e2x.test", password: "sam-pw-1", uidNumber: 10004, groups: ["supervisors"] },
  { uid: "stud1", cn: "Stella Student", givenName: "Stella", sn: "Student", mail: "stud1@e2x.test", password: "stud1-pw-1", uidNumber: 10005, groups: ["students"] },
  { uid: "juergen", cn: "Jürgen Müller", givenName: "Jürgen", sn: "Müller", mail: "juergen@e2x.test", password: "Grüße-ÄÖÜ-ß", uidNumber: 10006, groups: ["instructors"] },
];

export type LdapFixtureGroup = {
  cn: string;
  /** groupOfNames lists member DNs; posixGroup lists memberUid user names. */
  kind: "groupOfNames" | "posixGroup";
  gidNumber: number;
};

/**
 * Groups: both common shapes, so the portal's default group filter
 * `(|(member={dn})(memberUid={username}))` is exercised on each. `supervisors` is a posixGroup.
 */
export const LDAP_FIXTURE_GROUPS: readonly LdapFixtureGroup[] = [
  { cn: "portal-admins", kind: "groupOfNames", gidNumber: 20001 },
  { cn: "graders", kind: "groupOfNames", gidNumber: 20002 },
  { cn: "instructors", kind: "groupOfNames", gidNumber: 20003 },
  { cn: "supervisors", kind: "posixGroup", gidNumber: 20004 },
  { cn: "students", kind: "posixGroup", gidNumber: 20005 },
];

/** Role map for the fixture groups, in the LDAP_ROLE_MAP syntax (mixes DN and cn keys). */
export const LDAP_FIXTURE_ROLE_MAP = `cn=portal-admins,${LDAP_GROUPS_BASE}=admin; instructors=instructor; graders=grader; supervisors=supervisor`;

export type LdapServer = {
  url: string;
  bindDN: string;
  bindPassword: string;
  searchBase: string;
  peopleBase: string;
  groupsBase: string;
  rootDN: string;
  rootPassword: string;
  port: number;
  /** With `tls: true`: an ldaps:// URL (StartTLS works on `url` too) and the CA that signed the server certificate. */
  ldapsUrl?: string;
  caFile?: string;
  users: readonly LdapFixtureUser[];
  groups: readonly LdapFixtureGroup[];
  /** Environment variables that point lib/auth/ldap.ts at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
};

export function userDN(uid: string): string {
  return `uid=${uid},${LDAP_PEOPLE_BASE}`;
}

/** `{SSHA}` = base64(SHA1(password + salt) + salt), the scheme slapd verifies natively. */
export function sshaHash(password: string, salt: Buffer = randomBytes(8)): string {
  const digest = createHash("sha1").update(Buffer.from(password, "utf8")).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString("base64")}`;
}

const SLAPD_CANDIDATES = ["/usr/sbin/slapd", "/usr/local/sbin/slapd", "/usr/local/libexec/slapd"];
const MODULE_DIRS = ["/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib/aarch64-linux-gnu/ldap", "/usr/local/libexec/openldap"];
const SCHEMA_DIR = "/etc/ldap/schema";

function findSlapd(): string {
  const found = SLAPD_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error("slapd not found: run scripts/provision/apt.sh (Debian packages slapd, ldap-utils)");
  return found;
}

function findModuleDir(): string | undefined {
  return MODULE_DIRS.find((d) => existsSync(path.join(d, "back_mdb.so")) || existsSync(path.join(d, "back_mdb.la")));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const run = promisify(execFile);

type TlsFiles = { caFile: string; certFile: string; keyFile: string };

/** A throw-away CA and a server certificate for 127.0.0.1/localhost (openssl CLI). */
async function makeCertificates(dir: string): Promise<TlsFiles> {
  const f = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", ["req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", "/CN=E2x Test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  await run("openssl", ["req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=localhost"]);
  await writeFile(f("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n");
  await run("openssl", ["x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial",
    "-out", f("server.pem"), "-days", "2", "-extfile", f("server.ext")]);
  return { caFile: f("ca.pem"), certFile: f("server.pem"), keyFile: f("server.key") };
}

function slapdConf(dir: string, moduleDir: string | undefined, tls?: TlsFiles): string {
  const schemas = ["core", "cosine", "inetorgperson", "nis"].map((s) => `include ${SCHEMA_DIR}/${s}.schema`);
  return [
    ...schemas,
    ...(tls ? [`TLSCACertificateFile ${tls.caFile}`, `TLSCertificateFile ${tls.certFile}`, `TLSCertificateKeyFile ${tls.keyFile}`] : []),
    `pidfile ${path.join(dir, "slapd.pid")}`,
    `argsfile ${path.join(dir, "slapd.args")}`,
    ...(moduleDir ? [`modulepath ${moduleDir}`] : []),
    "moduleload back_mdb",
    "",
    "database mdb",
    `suffix "${LDAP_SUFFIX}"`,
    `rootdn "${LDAP_ROOT_DN}"`,
    `rootpw ${sshaHash(LDAP_ROOT_PASSWORD)}`,
    `directory ${path.join(dir, "data")}`,
    "maxsize 16777216",
    "dbnosync",
    "index objectClass eq",
    "index uid,memberUid,member eq",
    // Passwords: a user may authenticate with (and change) their own; nobody reads them.
    "access to attrs=userPassword",
    "  by self write",
    "  by anonymous auth",
    "  by * none",
    // Everything else: readable by authenticated clients (the service account), not anonymously.
    "access to *",
    "  by users read",
    "  by * none",
    "",
  ].join("\n");
}

async function waitUntilAnswering(url: string, proc: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`slapd exited (${proc.exitCode ?? proc.signalCode}) before answering:\n${stderr()}`);
    }
    const client = new Client({ url, timeout: 1000, connectTimeout: 1000 });
    try {
      await client.bind(LDAP_ROOT_DN, LDAP_ROOT_PASSWORD);
      await client.unbind();
      return;
    } catch (err) {
      lastError = err;
      await client.unbind().catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`slapd did not answer on ${url} within ${timeoutMs} ms: ${String(lastError)}\n${stderr()}`);
}

async function loadFixtures(url: string): Promise<void> {
  const client = new Client({ url, timeout: 5000, connectTimeout: 2000 });
  try {
    await client.bind(LDAP_ROOT_DN, LDAP_ROOT_PASSWORD);
    await client.add(LDAP_SUFFIX, { objectClass: ["top", "dcObject", "organization"], dc: "e2x", o: "E2x Test University" });
    await client.add(LDAP_SERVICE_DN, {
      objectClass: ["organizationalRole", "simpleSecurityObject"],
      cn: "portal-service",
      userPassword: sshaHash(LDAP_SERVICE_PASSWORD),
      description: "read-only account of the hub portal",
    });
    await client.add(LDAP_PEOPLE_BASE, { objectClass: ["organizationalUnit"], ou: "people" });
    await client.add(LDAP_GROUPS_BASE, { objectClass: ["organizationalUnit"], ou: "groups" });
    for (const u of LDAP_FIXTURE_USERS) {
      await client.add(userDN(u.uid), {
        objectClass: ["inetOrgPerson", "posixAccount"],
        uid: u.uid,
        cn: u.cn,
        givenName: u.givenName,
        sn: u.sn,
        displayName: u.cn,
        mail: u.mail,
        uidNumber: String(u.uidNumber),
        gidNumber: "20000",
        homeDirectory: `/home/${u.uid}`,
        loginShell: "/bin/bash",
        userPassword: sshaHash(u.password),
      });
    }
    for (const g of LDAP_FIXTURE_GROUPS) {
      const members = LDAP_FIXTURE_USERS.filter((u) => u.groups.includes(g.cn));
      const dn = `cn=${g.cn},${LDAP_GROUPS_BASE}`;
      if (g.kind === "groupOfNames") {
        // groupOfNames needs at least one member; the service account is a harmless filler.
        const memberDNs = members.length > 0 ? members.map((m) => userDN(m.uid)) : [LDAP_SERVICE_DN];
        await client.add(dn, { objectClass: ["groupOfNames"], cn: g.cn, member: memberDNs });
      } else {
        await client.add(dn, {
          objectClass: ["posixGroup"],
          cn: g.cn,
          gidNumber: String(g.gidNumber),
          ...(members.length > 0 ? { memberUid: members.map((m) => m.uid) } : {}),
        });
      }
    }
  } finally {
    await client.unbind().catch(() => {});
  }
}

export type StartLdapOptions = {
  /** Fixed port; default: a free loopback port. */
  port?: number;
  /** How long to wait for slapd to answer (ms). */
  startTimeoutMs?: number;
  /** Skip loading the fixture directory (empty suffix, no entries). */
  empty?: boolean;
  /** Serve TLS too: StartTLS on the ldap:// port and a second ldaps:// port (needs openssl). */
  tls?: boolean;
};

export async function startLdap(opts: StartLdapOptions = {}): Promise<LdapServer> {
  const slapd = findSlapd();
  const moduleDir = findModuleDir();
  const dir = await mkdtemp(path.join(os.tmpdir(), "e2x-slapd-"));
  await mkdir(path.join(dir, "data"), { recursive: true });
  const confPath = path.join(dir, "slapd.conf");
  let tls: TlsFiles | undefined;
  try {
    if (opts.tls) tls = await makeCertificates(dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  await writeFile(confPath, slapdConf(dir, moduleDir, tls), "utf8");

  // A free port can be taken between probing and binding: retry a few times.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = opts.port ?? (await freePort());
    const url = `ldap://127.0.0.1:${port}`;
    const ldapsUrl = tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
    const listen = ldapsUrl ? `${url}/ ${ldapsUrl}/` : `${url}/`;
    // `-d 0`: stay in the foreground (so we own the process) without debug output.
    const proc = spawn(slapd, ["-f", confPath, "-h", listen, "-d", "0"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    proc.stderr?.setEncoding("utf8");
    proc.stderr?.on("data", (chunk: string) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    try {
      await waitUntilAnswering(url, proc, () => stderr, opts.startTimeoutMs ?? 10_000);
    } catch (err) {
      lastError = err;
      proc.kill("SIGKILL");
      await exited;
      if (opts.port !== undefined) break;
      continue;
    }

    // If the test process exits without calling stop(), don't leave slapd behind.
    const killOnExit = () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    };
    process.once("exit", killOnExit);

    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener("exit", killOnExit);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    };

    try {
      if (!opts.empty) await loadFixtures(url);
    } catch (err) {
      await stop();
      throw err;
    }

    return {
      url,
      port,
      ...(ldapsUrl && tls ? { ldapsUrl, caFile: tls.caFile } : {}),
      bindDN: LDAP_SERVICE_DN,
      bindPassword: LDAP_SERVICE_PASSWORD,
      searchBase: LDAP_SUFFIX,
      peopleBase: LDAP_PEOPLE_BASE,
      groupsBase: LDAP_GROUPS_BASE,
      rootDN: LDAP_ROOT_DN,
      rootPassword: LDAP_ROOT_PASSWORD,
      users: LDAP_FIXTURE_USERS,
      groups: LDAP_FIXTURE_GROUPS,
      env: {
        LDAP_URL: url,
        LDAP_BIND_DN: LDAP_SERVICE_DN,
        LDAP_BIND_PASSWORD: LDAP_SERVICE_PASSWORD,
        LDAP_SEARCH_BASE: LDAP_PEOPLE_BASE,
        LDAP_GROUP_SEARCH_BASE: LDAP_GROUPS_BASE,
        LDAP_ROLE_MAP: LDAP_FIXTURE_ROLE_MAP,
      },
      stop,
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
