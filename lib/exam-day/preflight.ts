/**
 * The pre-flight check of one exam: go / no-go items, each saying what is wrong, how to fix it and
 * where. What the cluster has is read back from the API server (the password Secret, the exam
 * hub's profile ConfigMaps and NetworkPolicies, the Nodes labelled for exams), never taken from
 * the portal's own records of its pushes; the exam hub answers through its REST API.
 *
 * Exports: runPreflight, imagePinned, PreflightItem, Preflight
 */
import { eq } from "drizzle-orm";
import { isClusterError, type ClusterConnection, type KubeObject, type PushTarget } from "@/lib/cluster";
import { normalizeObject, deepEqual } from "@/lib/cluster/diff";
import type { DbOrTx } from "@/lib/db/client";
import { examProbes, terms } from "@/lib/db/schema";
import { renderPortal } from "@/lib/deployment/model";
import { getSettings } from "@/lib/deployment/settings";
import { examSnapshot, getExam, participantRows } from "@/lib/exams/exams";
import { examHubData } from "@/lib/exams/lifecycle";
import { EXAM_PASSWORDS_KEY, EXAM_PASSWORDS_SECRET } from "@/lib/render";
import { cpuToCores, memToBytes } from "@/lib/render/quantity";
import { portalTimeZone } from "@/lib/grading/time";
import { openHubApi } from "./hub-api";
import { cidrInside } from "./net";
import type { Preflight, PreflightItem } from "./views";

export type { Preflight, PreflightItem };

export const EXAM_NODE_LABEL = "hub.jupyter.org/node-purpose";

/** A tag that is not `latest`, or a digest. */
export function imagePinned(ref: string): { pinned: boolean; why: string } {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return { pinned: true, why: "pinned by digest" };
  const last = ref.split("/").pop() ?? ref;
  const i = last.lastIndexOf(":");
  if (i < 0) return { pinned: false, why: "has no tag (Kubernetes takes it as :latest)" };
  const tag = last.slice(i + 1);
  if (tag === "latest") return { pinned: false, why: "is tagged :latest (it can change under a running exam)" };
  return { pinned: true, why: `pinned to tag ${tag}` };
}

const when = (d: Date, timeOnly = false) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: portalTimeZone(), ...(timeOnly ? {} : { weekday: "short", day: "numeric", month: "short", year: "numeric" }), hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);

const plural = (kind: string) => (kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : `${kind}s`);

const few = (xs: string[]) => (xs.length > 20 ? [...xs.slice(0, 20), `… and ${xs.length - 20} more`] : xs);

type NodeJson = { metadata: { name: string }; spec?: { unschedulable?: boolean }; status?: { allocatable?: { cpu?: string | number; memory?: string } } };
/** What the API server answers for the objects read here (a Secret, ConfigMap, NetworkPolicy, a Node list). */
type Live = { data?: Record<string, string>; items?: NodeJson[] } & Record<string, unknown>;

async function get(conn: ClusterConnection, path: string): Promise<{ found: true; body: Live } | { found: false; status: number; message: string }> {
  try {
    return { found: true, body: (await conn.request<Live>("GET", path)).body };
  } catch (e) {
    if (isClusterError(e)) return { found: false, status: e.status ?? 0, message: e.message };
    throw e;
  }
}

function objectPathOf(o: KubeObject): string {
  const ns = o.metadata.namespace;
  if (o.kind === "ConfigMap") return `/api/v1/namespaces/${ns}/configmaps/${o.metadata.name}`;
  if (o.kind === "NetworkPolicy") return `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/${o.metadata.name}`;
  if (o.kind === "Secret") return `/api/v1/namespaces/${ns}/secrets/${o.metadata.name}`;
  throw new Error(`no read path for ${o.kind}`);
}

/**
 * Every item for the exam. `target`: the cluster the portal pushes to (the configured one when
 * omitted by the caller: see app/(portal)/exams/[examId]/preflight).
 */
export async function runPreflight(db: DbOrTx, examId: number, target: PushTarget | { error: string }): Promise<Preflight> {
  const d = getExam(db, examId);
  if (!d) throw new Error("No such exam.");
  const snap = examSnapshot(db, examId)!;
  const base = `/exams/${examId}`;
  const items: PreflightItem[] = [];
  const add = (i: PreflightItem) => items.push(i);
  const rows = participantRows(db, examId);
  const students = rows.filter((p) => p.kind === "student");
  const backups = rows.filter((p) => p.kind === "backup");

  // ---- people: seats, slips, backups ------------------------------------------------------
  const unseated = rows.filter((p) => p.roomId === null || p.seat === null).map((p) => p.username);
  add({
    id: "seats",
    group: "people",
    title: "Every participant has a seat",
    status: rows.length === 0 || unseated.length ? "no-go" : "go",
    detail: rows.length === 0 ? "The exam has no participants." : unseated.length ? `${unseated.length} of ${rows.length} accounts have no seat.` : `${rows.length} accounts seated.`,
    fix: unseated.length || rows.length === 0 ? "Seat them automatically or by hand on the seating page." : "",
    href: rows.length === 0 ? `${base}/participants` : `${base}/seating`,
    list: few(unseated),
  });
  const unprinted = rows.filter((p) => !p.hasPassword).map((p) => p.username);
  add({
    id: "slips",
    group: "people",
    title: "Every participant has a printed slip",
    status: rows.length && !unprinted.length ? "go" : "no-go",
    detail: unprinted.length ? `${unprinted.length} accounts have no password slip yet.` : `${rows.length} slips printed (passwords version ${d.exam.passwordsVersion}).`,
    fix: unprinted.length ? "Print the sheets (all rooms, or the rooms missing)." : "",
    href: `${base}/sheets`,
    list: few(unprinted),
  });
  const seatedRooms = d.rooms.filter((r) => r.seats > 0);
  const noBackup = seatedRooms.filter((r) => !backups.some((b) => b.roomId === r.id)).map((r) => r.name);
  add({
    id: "backups",
    group: "people",
    title: "Backup accounts in every room",
    status: noBackup.length ? "no-go" : "go",
    detail: noBackup.length ? `No backup account in ${noBackup.join(", ")}.` : `${backups.length} backup accounts in ${seatedRooms.length} rooms.`,
    fix: noBackup.length ? "Add at least one backup account per room on the participants page." : "",
    href: `${base}/participants`,
  });

  // ---- the exam: window, networks, supervisors -------------------------------------------
  const now = Date.now();
  const windowProblems: string[] = [];
  if (d.exam.endsAt <= d.exam.startsAt) windowProblems.push("the end is not after the start");
  if (d.exam.status !== "open" && d.exam.status !== "closed" && d.exam.startsAt.getTime() < now) windowProblems.push("the start is in the past but the exam is not open");
  add({
    id: "window",
    group: "exam",
    title: "The exam window",
    status: windowProblems.length ? "no-go" : "go",
    detail: windowProblems.length ? `The window: ${windowProblems.join("; ")}.` : `${when(d.exam.startsAt)} to ${when(d.exam.endsAt, true)}, ${d.exam.graceMinutes} min grace${d.stats.maxExtra ? `, up to ${d.stats.maxExtra} min extra time` : ""}.`,
    fix: windowProblems.length ? "Correct the date and times in the exam's details." : "",
    href: base,
  });
  const settings = getSettings(db).settings;
  const allowed = settings.exam.sourceCidrs;
  const netProblems: string[] = [];
  for (const r of d.rooms) {
    if (!r.cidrs.length) netProblems.push(`${r.name} has no network`);
    for (const c of r.cidrs) if (!cidrInside(c, allowed)) netProblems.push(`${r.name}: ${c} is outside the exam networks the load balancer lets through`);
  }
  add({
    id: "networks",
    group: "exam",
    title: "The rooms' networks",
    status: d.rooms.length === 0 || netProblems.length ? "no-go" : "go",
    detail: d.rooms.length === 0 ? "The exam has no rooms." : netProblems.length ? `${netProblems.length} problem${netProblems.length === 1 ? "" : "s"} with the rooms' networks.` : `${d.rooms.length} rooms, every network inside the exam networks (${allowed.join(", ")}).`,
    fix: netProblems.length ? "Give each room its network, and add the network to the exam source networks on the cluster page." : "",
    href: netProblems.some((p) => p.includes("outside")) ? "/cluster" : `${base}/rooms`,
    list: few(netProblems),
  });
  add({
    id: "supervisors",
    group: "exam",
    title: "Supervisors",
    status: d.supervisors.length ? "go" : "no-go",
    detail: d.supervisors.length ? `${d.supervisors.map((s) => s.displayName || s.username).join(", ")}.` : "Nobody supervises this exam.",
    fix: d.supervisors.length ? "" : "Assign at least one supervisor on the exam's overview.",
    href: base,
  });

  // ---- image --------------------------------------------------------------------------------
  const term = db.select({ image: terms.image, cpuLimit: terms.cpuLimit, memLimit: terms.memLimit, cpuGuarantee: terms.cpuGuarantee, memGuarantee: terms.memGuarantee }).from(terms).where(eq(terms.id, d.term.id)).get()!;
  const pin = imagePinned(term.image);
  const rendered = renderPortal(db);
  const examValues = rendered.render.values.exam as { prePuller?: { extraImages?: Record<string, { name: string; tag: string }> } } | undefined;
  const prePulled = Object.values(examValues?.prePuller?.extraImages ?? {}).some((i) => `${i.name}${i.tag.startsWith("sha256:") ? "@" : ":"}${i.tag}` === term.image);
  add({
    id: "image",
    group: "image",
    title: "The exam image is pinned and pre-pulled",
    status: pin.pinned && prePulled ? "go" : "no-go",
    detail: `${term.image} ${pin.why}${prePulled ? "; the exam hub's pre-puller lists it" : "; the exam hub's pre-puller does not list it"}.`,
    fix: pin.pinned ? (prePulled ? "" : "Push the cluster configuration so that the exam hub's values list the image.") : "Set the term's image to a fixed tag (such as 2025.10) or a digest.",
    href: `/courses/${d.course.id}/terms/${d.term.id}`,
  });

  // ---- the cluster, read back ---------------------------------------------------------------
  const hubData = examHubData(snap);
  const expected = new Map((hubData?.accounts ?? []).map((a) => [a.username, a.passwordHash]));
  const probeRow = db.select({ hash: examProbes.passwordHash }).from(examProbes).where(eq(examProbes.examId, examId)).get();
  const examObjects = rendered.render.objects.filter((o) => o.metadata.labels?.["e2x-portal/hub"] === "exam" || o.metadata.namespace === settings.hubs.exam.namespace);
  if ("error" in target || target.kind !== "cluster") {
    const why = "error" in target ? target.error : `the portal pushes to the export folder ${target.dir}, not to a cluster`;
    for (const [id, title] of [
      ["secret", "The password Secret on the cluster"],
      ["profiles", "The exam profiles on the cluster"],
      ["policies", "The NetworkPolicies on the cluster"],
      ["capacity", "Exam nodes hold every participant"],
    ] as const) {
      add({ id, group: id === "capacity" ? "capacity" : "cluster", title, status: "no-go", detail: `Not checked: ${why}.`, fix: "Point the portal at the cluster (KUBECONFIG or its in-cluster ServiceAccount).", href: "/cluster" });
    }
  } else {
    const conn = target.connection;
    const ns = settings.hubs.exam.namespace;
    // the password Secret: this exam's accounts and hashes, as the hub reads them
    const secret = await get(conn, `/api/v1/namespaces/${ns}/secrets/${EXAM_PASSWORDS_SECRET}`);
    if (!secret.found) {
      add({ id: "secret", group: "cluster", title: "The password Secret on the cluster", status: "no-go", detail: secret.status === 404 ? `There is no Secret ${EXAM_PASSWORDS_SECRET} in ${ns}.` : `The Secret cannot be read: ${secret.message}`, fix: "Push the exam (the overview's “Push to the exam hub”).", href: base });
    } else {
      const problems: string[] = [];
      let count = 0;
      try {
        const doc = JSON.parse(Buffer.from(secret.body.data?.[EXAM_PASSWORDS_KEY] ?? "", "base64").toString("utf8"));
        const index = (doc.exams ?? []).findIndex((e: { id: number }) => e.id === examId);
        const onHub = new Map<string, string>();
        if (index >= 0) for (const [u, row] of Object.entries<unknown[]>(doc.accounts ?? {})) if (row[0] === index) onHub.set(u, String(row[3]));
        count = onHub.size;
        if (index < 0 && expected.size) problems.push(`the Secret does not hold this exam`);
        for (const [u, h] of expected) {
          if (!onHub.has(u)) problems.push(`${u}: no password hash in the Secret`);
          else if (onHub.get(u) !== h) problems.push(`${u}: the Secret holds another hash than the last printed slip`);
        }
        for (const u of onHub.keys()) if (!expected.has(u)) problems.push(`${u}: in the Secret but not a participant`);
      } catch {
        problems.push("the Secret's exams.json does not parse");
      }
      const probeNote = probeRow?.hash && expected.size > rows.filter((p) => p.hasPassword).length ? " plus the test sign-in's probe account" : "";
      add({
        id: "secret",
        group: "cluster",
        title: "The password Secret on the cluster",
        status: problems.length ? "no-go" : "go",
        detail: problems.length
          ? `The Secret holds ${count} accounts of this exam; the portal has ${expected.size}: ${problems.length} difference${problems.length === 1 ? "" : "s"}.`
          : `${count} accounts: ${students.length} participants and ${backups.length} backups${probeNote}, every hash as printed.`,
        fix: problems.length ? "Push the exam's data again (the overview's “Push to the exam hub”); if that does not help, re-issue the listed passwords." : "",
        href: base,
        list: few(problems),
      });
      // profiles and policies: each rendered object, read back and compared
      for (const [id, kind, title] of [
        ["profiles", "ConfigMap", "The exam profiles on the cluster"],
        ["policies", "NetworkPolicy", "The NetworkPolicies on the cluster"],
      ] as const) {
        const want = examObjects.filter((o) => o.kind === kind);
        const problems: string[] = [];
        for (const o of want) {
          const live = await get(conn, objectPathOf(o));
          if (!live.found) problems.push(live.status === 404 ? `${kind} ${o.metadata.name} is missing` : `${kind} ${o.metadata.name}: ${live.message}`);
          else {
            const field = kind === "ConfigMap" ? "data" : "spec";
            const a = normalizeObject({ [field]: o[field] ?? {} });
            const b = normalizeObject({ [field]: live.body[field] ?? {} });
            if (!deepEqual(a, b)) problems.push(`${kind} ${o.metadata.name} differs from what the portal renders`);
          }
        }
        add({
          id,
          group: "cluster",
          title,
          status: problems.length ? "no-go" : "go",
          detail: problems.length ? `${problems.length} of ${want.length} ${plural(kind)} are not as the portal renders them.` : `${want.length} ${plural(kind)} on the API server, each as the portal renders it.`,
          fix: problems.length ? "Preview and push the cluster configuration." : "",
          href: "/cluster/push",
          list: few(problems),
        });
      }
      // capacity: exam nodes' allocatable against every participant at requests = limits
      const nodes = await get(conn, `/api/v1/nodes?labelSelector=${encodeURIComponent(`${EXAM_NODE_LABEL}=exam`)}`);
      const pods = rows.length;
      const cpuEach = cpuToCores(term.cpuLimit);
      const memEach = memToBytes(term.memLimit);
      if (!nodes.found) {
        add({ id: "capacity", group: "capacity", title: "Exam nodes hold every participant", status: "no-go", detail: `The nodes cannot be read: ${nodes.message}`, fix: "Give the portal's ServiceAccount read access to nodes (deploy/k8s/rbac.yaml).", href: "/cluster" });
      } else {
        const list = (nodes.body.items ?? []).filter((n) => !n.spec?.unschedulable);
        let cpu = 0;
        let mem = 0;
        const names: string[] = [];
        for (const n of list) {
          const a = n.status?.allocatable ?? {};
          const c = a.cpu ? cpuToCores(String(a.cpu)) : 0;
          const m = a.memory ? memToBytes(String(a.memory)) : 0;
          cpu += c;
          mem += m;
          names.push(`${n.metadata.name}: ${c} CPU, ${(m / 2 ** 30).toFixed(1)} GiB`);
        }
        const needCpu = pods * cpuEach;
        const needMem = pods * memEach;
        const short: string[] = [];
        if (cpu < needCpu) short.push(`CPU ${cpu} of ${needCpu} cores`);
        if (mem < needMem) short.push(`memory ${(mem / 2 ** 30).toFixed(1)} of ${(needMem / 2 ** 30).toFixed(1)} GiB`);
        add({
          id: "capacity",
          group: "capacity",
          title: "Exam nodes hold every participant",
          status: list.length && !short.length ? "go" : "no-go",
          detail: !list.length
            ? `No schedulable node is labelled ${EXAM_NODE_LABEL}=exam.`
            : short.length
              ? `${list.length} exam node${list.length === 1 ? "" : "s"} hold too little for ${pods} servers of ${term.cpuLimit} CPU and ${term.memLimit} (requests = limits): ${short.join(", ")}.`
              : `${list.length} exam node${list.length === 1 ? "" : "s"}: ${cpu} CPU and ${(mem / 2 ** 30).toFixed(1)} GiB for ${pods} servers needing ${needCpu} CPU and ${(needMem / 2 ** 30).toFixed(1)} GiB.`,
          fix: !list.length || short.length ? `Label more nodes (kubectl label node <name> ${EXAM_NODE_LABEL}=exam) or lower the term's resources.` : "",
          href: `/courses/${d.course.id}/terms/${d.term.id}`,
          list: few(names),
        });
      }
    }
  }

  // ---- the exam hub itself ------------------------------------------------------------------
  let hubVersion: string | undefined;
  const hub = openHubApi(db);
  if ("error" in hub) {
    add({ id: "hub-api", group: "hub", title: "The exam hub answers its REST API", status: "no-go", detail: hub.error, fix: "Enter the exam hub's API address and the portal's service token below.", href: `${base}/preflight#hub-api` });
  } else {
    try {
      hubVersion = await hub.api.version();
      await hub.api.call("GET", "/users?limit=1");
      add({ id: "hub-api", group: "hub", title: "The exam hub answers its REST API", status: "go", detail: `JupyterHub ${hubVersion} at ${hub.settings.apiUrl}; the portal's token is accepted.`, fix: "" });
    } catch (e) {
      add({ id: "hub-api", group: "hub", title: "The exam hub answers its REST API", status: "no-go", detail: (e as Error).message, fix: "Check that the exam hub runs and that the address and token are right.", href: `${base}/preflight#hub-api` });
    }
  }
  const probe = db.select().from(examProbes).where(eq(examProbes.examId, examId)).get();
  add({
    id: "probe",
    group: "hub",
    title: "A test sign-in through the exam hub's login",
    status: probe?.lastRunAt ? (probe.lastOk ? "go" : "no-go") : "warn",
    detail: probe?.lastRunAt
      ? `${probe.lastOk ? "Succeeded" : "Failed"} at ${when(probe.lastRunAt)}: ${(probe.lastSteps ?? []).map((s) => `${s.ok ? "✓" : "✗"} ${s.detail}`).join("; ")}`
      : d.exam.status === "open"
        ? "Not run yet."
        : "Runs once the exam is open (the exam hub refuses every sign-in before).",
    fix: probe?.lastRunAt && probe.lastOk ? "" : "Run the test sign-in below.",
    href: `${base}/preflight#probe`,
  });

  return { examId, checkedAt: new Date().toISOString(), go: items.every((i) => i.status !== "no-go"), items, hubVersion };
}
