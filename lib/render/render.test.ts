import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { smallModel } from "./fixtures";
import { expectGolden } from "./golden";
import {
  type KubeObject,
  type ProfileEntry,
  type ShardMeta,
  CONFIGMAP_LIMIT_BYTES,
  LABEL_HUB,
  LABEL_MANAGED_BY,
  buildHubProfileData,
  parseRenderModel,
  renderAll,
  renderProfileConfigMaps,
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

  it("exam hub: one course per user, exam affinity, guaranteed resources", () => {
    const { meta, users, profiles } = readHub(result.objects, "exam");
    expect(meta.exam).toBe(true);
    for (const keys of Object.values(users)) expect(keys).toHaveLength(1);
    expect(users.alice).toEqual(["mathe1+student+mathe1-WS25"]);
    const p = profiles["mathe1+student+mathe1-WS25"];
    expect(p.profile_override.node_affinity_required![0].matchExpressions[0].values).toEqual(["exam"]);
    expect(p.choice_override.cpu_guarantee).toBe(p.choice_override.cpu_limit);
    expect(p.choice_override.mem_guarantee).toBe(p.choice_override.mem_limit);
    const mounts = p.choice_override.volume_mounts!;
    expect(mounts["e2x-home"].subPath).toBe("homes/exam/WS25-PZ1/mathe1-{username}/home");
    // the personalized exchange: a student's own folders only
    expect(Object.values(mounts).map((m) => `${m.mountPath} <- ${m.subPath}${m.readOnly ? " (ro)" : ""}`).sort()).toEqual([
      "/home/jovyan <- homes/exam/WS25-PZ1/mathe1-{username}/home",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-feedback/{username} <- nbgrader/exchanges/mathe1/mathe1-WS25/personalized-feedback/{username} (ro)",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-inbound/{username} <- nbgrader/exchanges/mathe1/mathe1-WS25/personalized-inbound/{username}",
      "/srv/nbgrader/exchange/mathe1-WS25/personalized-outbound/{username} <- nbgrader/exchanges/mathe1/mathe1-WS25/personalized-outbound/{username} (ro)",
      "/srv/shares/mathe1 <- shares/teaching/courses/mathe1 (ro)",
      "/srv/shares/public <- shares/teaching/public (ro)",
    ]);
    expect(p.choice_override.lifecycle_hooks!.postStart.exec.command[2]).toContain("c.Exchange.personalized_inbound = True");
    expect(result.stats.warnings.some((w) => w.includes("alice"))).toBe(true);
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

  it("hub values: config files, culling, LDAP by Secret, exam lockdown", () => {
    const a = YAML.parse(result.valuesYaml.assignment!);
    expect(a.cull.timeout).toBe(7200);
    // the config file in jupyterhub_config.d, the modules it imports beside the chart's jupyterhub_config.py
    expect(Object.fromEntries(Object.entries(a.hub.extraFiles).map(([k, f]) => [k, (f as { mountPath: string }).mountPath]))).toEqual({
      "e2x-portal-auth": "/usr/local/etc/jupyterhub/e2x_portal_auth.py",
      "e2x-portal-config": "/usr/local/etc/jupyterhub/jupyterhub_config.d/e2x_portal_config.py",
      "e2x-portal-profiles": "/usr/local/etc/jupyterhub/e2x_portal_profiles.py",
    });
    expect(a.hub.extraFiles["e2x-portal-profiles"].stringData).toContain("def make_pre_spawn_hook");
    expect(a.hub.config.JupyterHub.authenticator_class).toBe("ldapauthenticator.LDAPAuthenticator");
    expect(a.hub.config.Authenticator).toMatchObject({ allow_all: false });
    expect(a.hub.config.KubeSpawner.disable_user_config).toBe(true);
    expect(a.hub.config.LDAPAuthenticator).toMatchObject({ server_address: "ldap.example.edu", server_port: 636, tls_strategy: "on_connect" });
    expect(a.hub.extraEnv.E2X_LDAP_BIND_PASSWORD).toEqual({ valueFrom: { secretKeyRef: { name: "e2x-ldap", key: "bind-password" } } });
    expect(result.valuesYaml.assignment).not.toMatch(/lookup_dn_search_password:/);
    expect(a.singleuser.image).toEqual({ name: "ghcr.io/digiklausur/e2x-notebook", tag: "2025.10" });
    expect(Object.values(a.prePuller.extraImages)).toEqual([
      { name: "ghcr.io/digiklausur/e2x-notebook", tag: "2025.10" },
      { name: "ghcr.io/digiklausur/e2x-prog", tag: "2025.10" },
      { name: "ghcr.io/digiklausur/e2x-notebook", tag: "2025.04" },
    ]);
    const e = YAML.parse(result.valuesYaml.exam!);
    expect(e.hub.config.LDAPAuthenticator).toBeUndefined();
    // never an open exam hub
    expect(e.hub.config.JupyterHub.authenticator_class).toBe("e2x_portal_auth.FailClosedAuthenticator");
    expect(e.hub.templateVars.announcement_login).toMatch(/noch nicht freigeschaltet/);
    // the chart's singleuser policy is off: the portal's lockdown is the only one
    expect(e.singleuser.networkPolicy).toEqual({ enabled: false });
    expect(e.singleuser.defaultUrl).toBe("/tree");
    expect(e.custom.e2xPortal.examRooms).toEqual(["192.0.2.0/24", "198.51.100.0/25"]);
    // NodePort behind the load balancer VM: no loadBalancerSourceRanges (the chart would drop them)
    expect(e.proxy.service).toEqual({ type: "NodePort" });
    expect(e.cull.timeout).toBe(7200);
    const lb = renderAll({ ...smallModel(), hubs: smallModel().hubs.map((h) => ({ ...h, proxyServiceType: "LoadBalancer" as const })) });
    expect(YAML.parse(lb.valuesYaml.exam!).proxy.service).toEqual({
      type: "LoadBalancer",
      loadBalancerSourceRanges: ["192.0.2.0/24", "198.51.100.0/25"],
    });
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
