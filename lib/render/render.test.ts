import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { z, type ZodError } from "zod";
import { smallExams, smallModel } from "./fixtures";
import { expectGolden } from "./golden";
import {
  type KubeObject,
  type ProfileEntry,
  type ShardMeta,
  CONFIGMAP_LIMIT_BYTES,
  LABEL_HUB,
  LABEL_MANAGED_BY,
  buildHubProfileData,
  hubConfigDigest,
  membershipSchema,
  parseRenderModel,
  renderAll,
  renderProfileConfigMaps,
  valuesDigest,
} from "./index";

function configMaps(objects: KubeObject[], hub: string) {
  return objects.filter((o) => o.kind === "ConfigMap" && o.metadata.labels?.[LABEL_HUB] === hub);
}

function readHub(objects: KubeObject[], hub: string) {
  const cms = configMaps(objects, hub);
  const index = cms.find((o) => o.metadata.name === `e2x-profiles-${hub}`)!;
  const meta = JSON.parse((index.data as Record<string, string>)["meta.json"]) as ShardMeta;
  const byName = new Map(cms.map((o) => [o.metadata.name, o.data as Record<string, string>]));
  const users: Record<string, string[]> = {};
  for (const n of meta.userShards) Object.assign(users, JSON.parse(byName.get(n)!["users.json"]));
  const profiles: Record<string, ProfileEntry> = {};
  for (const n of meta.profileShards) Object.assign(profiles, JSON.parse(byName.get(n)!["profiles.json"]));
  return { meta, users, profiles };
}

describe("renderAll on the small model", () => {
  const result = renderAll(smallModel());

  it("matches the golden files", () => {
    expectGolden("objects.json", JSON.stringify(result.objects, null, 2) + "\n");
    for (const hub of ["assignment", "exam", "grading"] as const) {
      expectGolden(`values-${hub}.yaml`, result.valuesYaml[hub]!);
    }
    expectGolden("stats.json", JSON.stringify(result.stats, null, 2) + "\n");
  });

  it("is deterministic and independent of input order", () => {
    const m = smallModel();
    m.memberships = [...m.memberships].reverse();
    m.terms = [...m.terms].reverse();
    m.courses = [...m.courses].reverse();
    const again = renderAll(m);
    expect(JSON.stringify(again.objects)).toBe(JSON.stringify(result.objects));
    expect(again.valuesYaml).toEqual(result.valuesYaml);
  });

  it("labels every object for its hub and managed-by", () => {
    for (const o of result.objects) {
      expect(o.metadata.labels?.[LABEL_MANAGED_BY]).toBe("e2x-portal");
      expect(["assignment", "exam", "grading"]).toContain(o.metadata.labels?.[LABEL_HUB]);
      expect(o.metadata.namespace).toBe(`e2x-${o.metadata.labels?.[LABEL_HUB]}`);
    }
  });

  it("gives one profile per course and role, a choice per term", () => {
    const { users, profiles } = readHub(result.objects, "assignment");
    expect(users.alice).toEqual(["mathe1+student+mathe1-WS25", "prog+student+prog-WS25", "mathe1+student+mathe1-SS25"]);
    expect(users.grace).toEqual(["mathe1+grader+mathe1-WS25", "prog+student+prog-WS25"]);
    const p = profiles["mathe1+student+mathe1-WS25"];
    expect(p.slug).toBe("mathe1+student");
    expect(p.choice_override.image).toBe("ghcr.io/digiklausur/e2x-notebook:2025.10");
    expect(p.choice_override.cpu_guarantee).toBe(0.5);
    expect(p.choice_override.mem_limit).toBe(2 * 1024 ** 3);
    expect(p.profile_override.uid).toBe(1000);
    expect(p.profile_override.node_affinity_required).toEqual([
      { matchExpressions: [{ key: "hub.jupyter.org/node-purpose", operator: "In", values: ["user"] }] },
    ]);
    const mounts = Object.values(p.choice_override.volume_mounts!);
    expect(mounts).toContainEqual({
      name: "e2x-nfs",
      mountPath: "/home/jovyan",
      subPath: "homes/teaching/students/mathe1-WS25/{username}",
      readOnly: false,
    });
    expect(mounts.find((m) => m.mountPath.endsWith("/outbound"))?.readOnly).toBe(true);
    expect(mounts.find((m) => m.mountPath === "/srv/shares/mathe1")?.readOnly).toBe(true);
    expect(profiles["mathe1+grader+mathe1-WS25"].profile_override.uid).toBe(2000);
    expect(Object.values(profiles["mathe1+grader+mathe1-WS25"].choice_override.volume_mounts!).every((m) => !m.readOnly)).toBe(true);
    // the pod's nbgrader_config.py, written when it starts
    const hook = p.choice_override.lifecycle_hooks!.postStart.exec.command;
    expect(hook.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(hook[2]).toContain("c.CourseDirectory.course_id = \"mathe1-WS25\"");
    expect(hook[2]).toContain("c.Exchange.personalized_inbound = False");
  });

  it("exam hub: a profile only for each exam's accounts, exam affinity, guaranteed resources", () => {
    const { meta, users, profiles } = readHub(result.objects, "exam");
    expect(meta.exam).toBe(true);
    // the exams' accounts and no one else: not the roster's logins, not the staff
    expect(users).toEqual({
      "mathe1-backup-pz1-01": ["mathe1+student+mathe1-WS25+PZ1"],
      "mathe1-max.mustermann": ["mathe1+student+mathe1-WS25+PZ1"],
      "prog-bob": ["prog+student+prog-WS25+PZ1"],
    });
    const p = profiles["mathe1+student+mathe1-WS25+PZ1"];
    expect(p.display_name).toBe("Klausur Mathematik 1");
    expect(p.choice_override.image).toBe("ghcr.io/digiklausur/e2x-notebook:2025.10");
    expect(p.profile_override.node_affinity_required![0].matchExpressions[0].values).toEqual(["exam"]);
    expect(p.choice_override.cpu_guarantee).toBe(p.choice_override.cpu_limit);
    expect(p.choice_override.mem_guarantee).toBe(p.choice_override.mem_limit);
    const mounts = p.choice_override.volume_mounts!;
    // the exam login is <course>-<FB02UID> already: E2x's homes/exam/<term>-<period>/<course>-<user>/home
    expect(mounts["e2x-home"].subPath).toBe("homes/exam/WS25-PZ1/{username}/home");
    // the personalized exchange: a student's own folders only
    expect(Object.values(mounts).map((m) => `${m.mountPath} <- ${m.subPath}${m.readOnly ? " (ro)" : ""}`).sort()).toEqual([
      "/home/jovyan <- homes/exam/WS25-PZ1/{username}/home",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-feedback/{username} <- nbgrader/exchanges/mathe1/mathe1-WS25/personalized-feedback/{username} (ro)",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-inbound/{username} <- nbgrader/exchanges/mathe1/mathe1-WS25/personalized-inbound/{username}",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-outbound/{username} <- nbgrader/exchanges/mathe1/mathe1-WS25/personalized-outbound/{username} (ro)",
      "/srv/shares/mathe1 <- shares/teaching/courses/mathe1 (ro)",
      "/srv/shares/public <- shares/teaching/public (ro)",
    ]);
    expect(p.choice_override.lifecycle_hooks!.postStart.exec.command[2]).toContain("c.Exchange.personalized_inbound = True");
  });

  it("exam hub: one password Secret with windows, rooms and hashes, compact", () => {
    const secret = result.objects.find((o) => o.kind === "Secret")!;
    expect(secret.metadata).toMatchObject({ name: "e2x-exam-passwords", namespace: "e2x-exam" });
    const doc = JSON.parse(Buffer.from((secret.data as Record<string, string>)["exams.json"], "base64").toString());
    expect(doc.exams.map((e: { courseId: string; status: string; accepting: boolean }) => [e.courseId, e.status, e.accepting])).toEqual([
      ["mathe1-WS25", "open", true],
      ["prog-WS25", "scheduled", false],
    ]);
    expect(doc.exams[0].rooms).toEqual([{ name: "H-0102", cidrs: ["10.20.1.0/24"] }, { name: "Staff VPN", cidrs: ["10.8.0.0/16"] }]);
    // [exam, room, until (end + 30 min extra + 5 min grace), hash, unlocks]
    expect(doc.accounts["mathe1-max.mustermann"]).toEqual([0, 0, Date.parse("2030-07-22T09:35:00Z") / 1000, expect.stringMatching(/^scrypt\$4096\$8\$1\$/), 0]);
    expect(doc.accounts["mathe1-backup-pz1-01"][4]).toBe(1);
    expect(result.stats.examPasswords).toMatchObject({ exams: 2, accepting: 1, accounts: 3 });
    // no exam: the Secret is still there, empty, so the hub refuses everyone
    const none = renderAll({ ...smallModel(), exams: [] });
    const empty = none.objects.find((o) => o.kind === "Secret")!;
    expect(JSON.parse(Buffer.from((empty.data as Record<string, string>)["exams.json"], "base64").toString())).toEqual({ accounts: {}, exams: [], version: 1 });
    expect(readHub(none.objects, "exam").users).toEqual({});
  });

  it("exam hub: 600 accounts fit well under 1 MiB", () => {
    const m = smallModel();
    const exam = m.exams![0];
    const hash = exam.accounts[0].passwordHash;
    const big = { ...m, exams: [{ ...exam, accounts: Array.from({ length: 600 }, (_, i) => ({ ...exam.accounts[0], username: `mathe1-student${String(i).padStart(4, "0")}s`, passwordHash: hash })) }] };
    const r = renderAll(big);
    expect(r.stats.examPasswords!.accounts).toBe(600);
    expect(r.stats.examPasswords!.bytes).toBeLessThan(120_000);
    console.log(`600 accounts: ${r.stats.examPasswords!.bytes} bytes in the password Secret`);
  });

  it("grading hub: graders and instructors only", () => {
    const { users } = readHub(result.objects, "grading");
    expect(Object.keys(users).sort()).toEqual(["grace", "ingrid"]);
    expect(users.grace).toEqual(["mathe1+grader+mathe1-WS25"]);
  });

  it("renders the hub Role and RoleBinding for ConfigMaps", () => {
    const role = result.objects.find((o) => o.kind === "Role" && o.metadata.namespace === "e2x-exam")!;
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }]);
    const binding = result.objects.find((o) => o.kind === "RoleBinding" && o.metadata.namespace === "e2x-exam")!;
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "hub", namespace: "e2x-exam" }]);
  });

  const hubConfigMap = (objects: readonly KubeObject[], namespace: string) => objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "e2x-portal-hub" && o.metadata.namespace === namespace)!;
  const configMapData = (objects: readonly KubeObject[], namespace: string) => hubConfigMap(objects, namespace).data as Record<string, string>;
  const hubConfig = (hub: string) => {
    const cm = hubConfigMap(result.objects, `e2x-${hub}`);
    const data = cm.data as Record<string, string>;
    return { cm, data, settings: JSON.parse(data["e2x-portal-settings.json"]) };
  };

  it("hub values: what only Helm changes, the portal's ConfigMap mounted, a digest", () => {
    const a = YAML.parse(result.valuesYaml.assignment!);
    // the portal's ConfigMap: whole in a directory of its own, its config file in jupyterhub_config.d
    expect(a.hub.extraVolumes).toEqual([{ name: "e2x-portal-hub", configMap: { name: "e2x-portal-hub" } }]);
    expect(a.hub.extraVolumeMounts).toEqual([
      { name: "e2x-portal-hub", mountPath: "/usr/local/etc/jupyterhub/e2x-portal", readOnly: true },
      { name: "e2x-portal-hub", mountPath: "/usr/local/etc/jupyterhub/jupyterhub_config.d/e2x_portal_config.py", subPath: "e2x_portal_config.py", readOnly: true },
    ]);
    expect(a.hub.extraFiles).toBeUndefined();
    expect(a.hub.extraConfig).toBeUndefined();
    expect(a.custom).toBeUndefined();
    expect(a.hub.extraEnv.E2X_PORTAL_DIR).toBe("/usr/local/etc/jupyterhub/e2x-portal");
    expect(a.hub.extraEnv.E2X_LDAP_BIND_PASSWORD).toEqual({ valueFrom: { secretKeyRef: { name: "e2x-ldap", key: "bind-password", optional: true } } });
    // what the portal pushes is not in the values: a settings change is no helm upgrade
    expect(a.hub.config).toEqual({ JupyterHub: { authenticator_class: "e2x_portal_auth.FailClosedAuthenticator" } });
    expect(a.hub.concurrentSpawnLimit).toBeUndefined();
    expect(a.cull).toEqual({ enabled: true, every: 600, users: false });
    expect(result.valuesYaml.assignment).not.toMatch(/lookup_dn_search_password|admin_users|ldap\.example\.edu/);
    expect(a.singleuser.image).toEqual({ name: "ghcr.io/digiklausur/e2x-notebook", tag: "2025.10" });
    expect(Object.values(a.prePuller.extraImages)).toEqual([
      { name: "ghcr.io/digiklausur/e2x-notebook", tag: "2025.10" },
      { name: "ghcr.io/digiklausur/e2x-prog", tag: "2025.10" },
      { name: "ghcr.io/digiklausur/e2x-notebook", tag: "2025.04" },
    ]);
    // the digest of the rest, as a hub pod annotation
    expect(a.hub.annotations["e2x-portal/values-digest"]).toMatch(/^[0-9a-f]{16}$/);
    expect(valuesDigest(a)).toBe(a.hub.annotations["e2x-portal/values-digest"]);
    const e = YAML.parse(result.valuesYaml.exam!);
    // the chart values keep the fail-closed class: the sign-in comes with the portal's settings
    expect(e.hub.config.JupyterHub.authenticator_class).toBe("e2x_portal_auth.FailClosedAuthenticator");
    expect(e.hub.extraFiles).toBeUndefined();
    // the chart's singleuser policy is off: the portal's lockdown is the only one
    expect(e.singleuser.networkPolicy).toEqual({ enabled: false });
    expect(e.singleuser.defaultUrl).toBe("/tree");
    // NodePort behind the load balancer VM: no loadBalancerSourceRanges (the chart would drop them)
    expect(e.proxy.service).toEqual({ type: "NodePort" });
    const lb = renderAll({ ...smallModel(), hubs: smallModel().hubs.map((h) => ({ ...h, proxyServiceType: "LoadBalancer" as const })) });
    expect(YAML.parse(lb.valuesYaml.exam!).proxy.service).toEqual({
      type: "LoadBalancer",
      loadBalancerSourceRanges: ["192.0.2.0/24", "198.51.100.0/25"],
    });
  });

  it("the digest moves with what only Helm changes, not with what the portal pushes", () => {
    const digest = (m: ReturnType<typeof smallModel>, hub: "assignment" | "exam" = "assignment") =>
      YAML.parse(renderAll(m).valuesYaml[hub]!).hub.annotations["e2x-portal/values-digest"] as string;
    const base = digest(smallModel());
    expect(digest({ ...smallModel(), admins: ["someone-else"], concurrentSpawnLimit: 3, cullTimeoutSeconds: 900 })).toBe(base);
    expect(digest({ ...smallModel(), network: { trustedProxies: ["192.0.2.77"], nodeAddresses: [] } })).toBe(base);
    const m = smallModel();
    m.terms[0] = { ...m.terms[0], image: "ghcr.io/digiklausur/e2x-notebook:2026.04" };
    expect(digest(m)).not.toBe(base);
  });

  it("hub ConfigMap: the hub-side Python and the settings the portal pushes", () => {
    const { cm, data, settings } = hubConfig("assignment");
    expect(Object.keys(data).sort()).toEqual(["e2x-portal-settings.json", "e2x_portal_auth.py", "e2x_portal_config.py", "e2x_portal_hub.py", "e2x_portal_profiles.py"]);
    expect(data["e2x_portal_profiles.py"]).toContain("def make_pre_spawn_hook");
    expect(cm.metadata.annotations!["e2x-portal/config-digest"]).toBe(hubConfigDigest(data));
    expect(settings.config.JupyterHub.authenticator_class).toBe("ldapauthenticator.LDAPAuthenticator");
    expect(settings.config.JupyterHub.concurrent_spawn_limit).toBe(100);
    expect(settings.config.Authenticator).toMatchObject({ allow_all: false });
    expect(settings.config.KubeSpawner.disable_user_config).toBe(true);
    expect(settings.config.LDAPAuthenticator).toMatchObject({ server_address: "ldap.example.edu", server_port: 636, tls_strategy: "on_connect" });
    expect(settings.ldapPasswordEnv).toBe("E2X_LDAP_BIND_PASSWORD");
    expect(data["e2x-portal-settings.json"]).not.toMatch(/lookup_dn_search_password/);
    expect(settings.cullTimeoutSeconds).toBe(7200);
    expect(settings.spawnerEnvironment).toEqual({ E2X_HUB: "assignment", E2X_COURSE_IDS: "mathe1-SS25,mathe1-WS25,prog-WS25" });
    const examHub = hubConfig("exam");
    const exam = examHub.settings;
    expect(exam.config.LDAPAuthenticator).toBeUndefined();
    // one-time passwords from the Secret; with no open exam it refuses everyone
    expect(exam.config.JupyterHub.authenticator_class).toBe("e2x_portal_exam.ExamPasswordAuthenticator");
    expect(exam.config.ExamPasswordAuthenticator).toEqual({
      cache_ttl: 10,
      lockout_seconds: 300,
      max_failures: 5,
      secret_name: "e2x-exam-passwords",
      stale_grace: 60,
      state_file: "/srv/jupyterhub/e2x-exam-signins.sqlite",
      time_zone: "Europe/Berlin",
      trusted_proxies: [],
    });
    expect(exam.config.JupyterHub.template_vars.announcement_login).toMatch(/Einmalpasswort/);
    expect(exam.examRooms).toEqual(["192.0.2.0/24", "198.51.100.0/25"]);
    // the one-time-password module only on the exam hub
    expect(examHub.data["e2x_portal_exam.py"]).toContain("class ExamPasswordAuthenticator");
    expect(data["e2x_portal_exam.py"]).toBeUndefined();
    const noLdap = renderAll({ ...smallModel(), ldap: undefined });
    expect(JSON.parse(configMapData(noLdap.objects, "e2x-assignment")["e2x-portal-settings.json"]).config.JupyterHub.authenticator_class).toBe("e2x_portal_auth.FailClosedAuthenticator");
  });

  it("exam day needs no hub restart: opening, closing and re-issuing change the password Secret, not the exam hub's configuration", () => {
    const digestOf = (exams: NonNullable<ReturnType<typeof smallModel>["exams"]>) => {
      const r = renderAll({ ...smallModel(), exams });
      return { config: configMapData(r.objects, "e2x-exam"), secret: r.objects.find((o) => o.kind === "Secret")!.data };
    };
    const open = smallExams();
    const closed = open.map((e) => ({ ...e, status: "closed" as const, accepting: false, accounts: [] }));
    const reissued = open.map((e) => ({ ...e, passwordsVersion: e.passwordsVersion + 1, accounts: e.accounts.map((a) => ({ ...a, unlocks: (a.unlocks ?? 0) + 1 })) }));
    const base = digestOf(open);
    for (const exams of [closed, reissued, []]) {
      const other = digestOf(exams);
      expect(other.config).toEqual(base.config);
      expect(other.secret).not.toEqual(base.secret);
    }
  });

  it("keeps every ConfigMap below 1 MiB", () => {
    for (const s of Object.values(result.stats.profiles)) expect(s!.maxBytes).toBeLessThan(CONFIGMAP_LIMIT_BYTES);
  });
});

describe("profile data", () => {
  it("names every shard uniquely, empty shards included", () => {
    const model = parseRenderModel(smallModel());
    const data = buildHubProfileData(model, "assignment");
    let sawEmpty = false;
    // small budgets force more shards than the hash fills
    for (let budget = 1000; budget <= 8000; budget += 100) {
      let objects: KubeObject[];
      try {
        objects = renderProfileConfigMaps(data, "ns", budget).objects;
      } catch {
        continue; // one entry alone is larger than this budget
      }
      const names = objects.map((o) => o.metadata.name);
      expect(new Set(names).size, `budget ${budget}`).toBe(names.length);
      sawEmpty ||= objects.some((o) => Object.values(o.data as Record<string, string>).includes("{}"));
    }
    expect(sawEmpty).toBe(true);
  });

  it("stores each course-term-role once", () => {
    const model = parseRenderModel(smallModel());
    const data = buildHubProfileData(model, "assignment");
    const referenced = new Set(Object.values(data.users).flat());
    expect(new Set(Object.keys(data.profiles))).toEqual(referenced);
  });

  it("rejects unknown course terms and inline-looking LDAP secrets", () => {
    const m = smallModel();
    m.memberships = [...m.memberships, { username: "eve", courseId: "nope-WS25", role: "student" }];
    expect(() => renderAll(m)).toThrow(/unknown course term/);
    const m2 = smallModel() as Record<string, unknown>;
    (m2.ldap as Record<string, unknown>).bindPasswordSecret = "hunter2";
    expect(() => renderAll(m2)).toThrow();
  });
});

describe("membership validation", () => {
  /** What zod alone says of a model: the memberships checked one by one by membershipSchema. */
  const zodIssues = (m: unknown) => {
    const r = z.object({ memberships: z.array(membershipSchema) }).safeParse(m);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };
  const issuesOf = (m: unknown) => {
    try {
      parseRenderModel(m);
      return [];
    } catch (e) {
      return (e as ZodError).issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    }
  };

  it("keeps exactly the fields zod keeps, each membership its own copy", () => {
    const m = smallModel();
    m.memberships = m.memberships.map((x) => ({ ...x, extra: "dropped" }) as typeof x);
    const parsed = parseRenderModel(m);
    expect(parsed.memberships).toEqual(z.array(membershipSchema).parse(m.memberships));
    expect(parsed.memberships[0]).not.toBe(m.memberships[0]);
  });

  it("reports the same issues as zod for each bad membership", () => {
    const bad: unknown[] = [
      { username: "has space", courseId: "mathe1-WS25", role: "student" },
      { username: "", courseId: "mathe1-WS25", role: "student" },
      { username: "x".repeat(129), courseId: "mathe1-WS25", role: "student" },
      { username: "alice", courseId: "", role: "student" },
      { username: "alice", courseId: "mathe1-WS25", role: "admin" },
      { username: 42, courseId: "mathe1-WS25", role: "student" },
      null,
      ["alice"],
    ];
    for (const b of bad) {
      const m = smallModel() as Record<string, unknown>;
      // a good name first, so that the bad one is not the first of its kind
      m.memberships = [...(m.memberships as unknown[]), b, { username: "alice", courseId: "prog-WS25", role: "grader" }];
      const expected = zodIssues(m);
      expect(expected.length, JSON.stringify(b)).toBeGreaterThan(0);
      expect(issuesOf(m), JSON.stringify(b)).toEqual(expect.arrayContaining(expected));
    }
    // names at the edges of the rule pass as zod lets them
    const edge = smallModel();
    edge.memberships.push(
      { username: "x".repeat(128), courseId: "mathe1-WS25", role: "student" },
      { username: "Jürgen.Ä", courseId: "mathe1-WS25", role: "student" },
      { username: "a@b", courseId: "mathe1-WS25", role: "instructor" },
    );
    expect(parseRenderModel(edge).memberships).toEqual(z.array(membershipSchema).parse(edge.memberships));
    // unknown course terms are found on either path, at the membership's index
    const m = smallModel();
    m.memberships.push({ username: "eve", courseId: "nope-WS25", role: "student" });
    expect(issuesOf(m)).toEqual([`memberships.${m.memberships.length - 1}.courseId: unknown course term nope-WS25`]);
  });
});

describe("volume mount templates", () => {
  it("accept the known placeholders only", () => {
    const m = smallModel();
    m.terms[0] = {
      ...m.terms[0],
      volumeMounts: [{ name: "home", nfsPath: "homes/{course_id}/{username}", mountPath: "/home/jovyan", roles: ["student"] }],
    };
    const r = renderAll(m);
    const cm = r.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("e2x-profiles-assignment-p-"))!;
    const profiles = JSON.parse((cm.data as Record<string, string>)["profiles.json"]) as Record<string, ProfileEntry>;
    expect(profiles["mathe1+student+mathe1-WS25"].choice_override.volume_mounts).toEqual({
      "e2x-home": { name: "e2x-nfs", mountPath: "/home/jovyan", subPath: "homes/mathe1-WS25/{username}", readOnly: false },
    });
    for (const bad of ["homes/{user}", "homes/{username", "homes/../etc", ".", "homes//x", "homes/./x", "/"]) {
      const m2 = smallModel();
      m2.terms[0] = { ...m2.terms[0], volumeMounts: [{ name: "home", nfsPath: bad, mountPath: "/home/jovyan", roles: ["student"] }] };
      expect(() => renderAll(m2), bad).toThrow();
    }
  });
});
