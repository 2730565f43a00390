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
import { examProbes } from "@/lib/db/schema";
import { renderPortal } from "@/lib/deployment/model";
import { closeTarget, safeResolveTarget } from "@/lib/deployment/push";
import { getSettings } from "@/lib/deployment/settings";
import { examSnapshot, getExam, participantRows } from "@/lib/exams/exams";
import { examHubData } from "@/lib/exams/lifecycle";
import { EXAM_PASSWORDS_KEY, EXAM_PASSWORDS_SECRET } from "@/lib/render";
import { cpuToCores, memToBytes } from "@/lib/render/quantity";
import { activeLocale, fmt, t } from "@/lib/i18n/t";
import { openHubApi } from "./hub-api";
import { roomNetworkNotes } from "@/lib/exams/room-networks";
import type { Preflight, PreflightItem } from "./views";

export type { Preflight, PreflightItem };

export const EXAM_NODE_LABEL = "hub.jupyter.org/node-purpose";

/** A tag that is not `latest`, or a digest. */
export function imagePinned(ref: string): { pinned: boolean; why: string } {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return { pinned: true, why: t("pf.pinnedDigest") };
  const last = ref.split("/").pop() ?? ref;
  const i = last.lastIndexOf(":");
  if (i < 0) return { pinned: false, why: t("pf.noTag") };
  const tag = last.slice(i + 1);
  if (tag === "latest") return { pinned: false, why: t("pf.latest") };
  return { pinned: true, why: t("pf.pinnedTag", { tag }) };
}

/** A date and time (or a time) in the portal's zone and the active language. */
const when = (d: Date, timeOnly = false) => (timeOnly ? fmt().time(d) : `${fmt().weekdayDate(d)}, ${fmt().time(d)}`);

/** Bytes as GiB with one decimal, the decimal mark of the active language. */
const gib = (bytes: number) => {
  const s = (bytes / 2 ** 30).toFixed(1);
  return activeLocale() === "de" ? s.replace(".", ",") : s;
};

const few = (xs: string[]) => (xs.length > 20 ? [...xs.slice(0, 20), t("pf.more", { count: xs.length - 20 })] : xs);

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
 * Every item for the exam. `target`: the cluster to read back; when omitted, the one the portal
 * pushes to (a broken cluster setup becomes the items' "not checked").
 */
export async function runPreflight(db: DbOrTx, examId: number, target?: PushTarget | { error: string }): Promise<Preflight> {
  if (target) return preflightOf(db, examId, target);
  const resolved = safeResolveTarget();
  if ("error" in resolved) return preflightOf(db, examId, { error: resolved.error.message });
  try {
    return await preflightOf(db, examId, resolved.target);
  } finally {
    closeTarget(resolved.target);
  }
}

/**
 * The checks that need only the portal's own data (people, seats, sheets, backups, the window,
 * the rooms' networks, supervisors): cheap enough for the exam's overview to show before opening.
 */
export function localChecks(db: DbOrTx, d: NonNullable<ReturnType<typeof getExam>>, rows = participantRows(db, d.exam.id)): PreflightItem[] {
  const base = `/exams/${d.exam.id}`;
  const items: PreflightItem[] = [];
  const add = (i: PreflightItem) => items.push(i);
  const backups = rows.filter((p) => p.kind === "backup");

  // ---- people: seats, slips, backups ------------------------------------------------------
  const unseated = rows.filter((p) => p.roomId === null || p.seat === null).map((p) => p.username);
  add({
    id: "seats",
    group: "people",
    title: t("pf.seats.title"),
    status: rows.length === 0 || unseated.length ? "no-go" : "go",
    detail: rows.length === 0 ? t("pf.seats.none") : unseated.length ? t("pf.seats.missing", { missing: unseated.length, total: rows.length }) : t("pf.seats.ok", { total: rows.length }),
    fix: unseated.length || rows.length === 0 ? t("pf.seats.fix") : "",
    href: rows.length === 0 ? `${base}/participants` : `${base}/seating`,
    list: few(unseated),
  });
  const unprinted = rows.filter((p) => !p.hasPassword).map((p) => p.username);
  add({
    id: "slips",
    group: "people",
    title: t("pf.slips.title"),
    status: rows.length && !unprinted.length ? "go" : "no-go",
    detail: unprinted.length ? t("pf.slips.missing", { count: unprinted.length }) : t("pf.slips.ok", { count: rows.length }),
    fix: unprinted.length ? t("pf.slips.fix") : "",
    href: `${base}/sheets`,
    list: few(unprinted),
  });
  const seatedRooms = d.rooms.filter((r) => r.seats > 0);
  const noBackup = seatedRooms.filter((r) => !backups.some((b) => b.roomId === r.id)).map((r) => r.name);
  add({
    id: "backups",
    group: "people",
    title: t("pf.backups.title"),
    status: noBackup.length ? "no-go" : "go",
    detail: noBackup.length ? t("pf.backups.missing", { rooms: noBackup.join(", ") }) : t("pf.backups.ok", { count: backups.length, rooms: seatedRooms.length }),
    fix: noBackup.length ? t("pf.backups.fix") : "",
    href: `${base}/participants`,
  });

  // ---- the exam: window, networks, supervisors -------------------------------------------
  const now = Date.now();
  const windowProblems: string[] = [];
  // the fix depends on the problem: wrong times are corrected, a window under way wants the exam opened
  let windowFix = "";
  if (d.exam.endsAt <= d.exam.startsAt) {
    windowProblems.push(t("pf.window.endBeforeStart"));
    windowFix = t("pf.window.fix");
  } else if (d.exam.status !== "open" && d.exam.status !== "closed" && d.exam.startsAt.getTime() < now) {
    const over = d.exam.endsAt.getTime() <= now;
    windowProblems.push(over ? t("pf.window.overNotOpened") : t("pf.window.underWayNotOpen", { start: when(d.exam.startsAt) }));
    windowFix = over ? t("pf.window.fix") : d.exam.status === "draft" ? t("pf.window.fixScheduleOpen") : t("pf.window.fixOpen");
  }
  add({
    id: "window",
    group: "exam",
    title: t("pf.window.title"),
    status: windowProblems.length ? "no-go" : "go",
    detail: windowProblems.length ? t("pf.window.problems", { problems: windowProblems.join("; ") }) : `${t("pf.window.ok", { start: when(d.exam.startsAt), end: when(d.exam.endsAt, true), grace: d.exam.graceMinutes })}${d.stats.maxExtra ? t("pf.window.extra", { max: d.stats.maxExtra }) : ""}.`,
    fix: windowFix,
    href: base,
  });
  const allowed = getSettings(db).settings.exam.sourceCidrs;
  const notes = roomNetworkNotes(d.rooms, allowed);
  const netProblems = notes.problems;
  const shared = notes.shared;
  const roomsAndNets = { rooms: seatedRooms.length, nets: d.rooms.length - seatedRooms.length, allowed: allowed.join(", ") };
  add({
    id: "networks",
    group: "exam",
    title: t("pf.networks.title"),
    status: d.rooms.length === 0 || netProblems.length ? "no-go" : shared.length ? "warn" : "go",
    detail:
      d.rooms.length === 0 ? t("pf.networks.noRooms") : netProblems.length ? t("pf.networks.problems", { count: netProblems.length + shared.length }) : shared.length ? t("pf.networks.sharedDetail", roomsAndNets) : t("pf.networks.ok", roomsAndNets),
    // a network the installation does not let through is the administrators' to add; a room without one is the organisers'
    fix: netProblems.length ? (notes.outside.length === netProblems.length ? t("pf.networks.fixOutside") : t("pf.networks.fix")) : shared.length ? t("pf.networks.fixShared") : "",
    ...(notes.outside.length ? { href: "/cluster", byAdmins: true } : { href: `${base}/rooms` }),
    list: few([...netProblems, ...shared]),
  });
  add({
    id: "supervisors",
    group: "exam",
    title: t("pf.supervisors.title"),
    status: d.supervisors.length ? "go" : "no-go",
    detail: d.supervisors.length ? `${d.supervisors.map((s) => s.displayName || s.username).join(", ")}.` : t("pf.supervisors.none"),
    fix: d.supervisors.length ? "" : t("pf.supervisors.fix"),
    href: base,
  });
  return items;
}

async function preflightOf(db: DbOrTx, examId: number, target: PushTarget | { error: string }): Promise<Preflight> {
  const d = getExam(db, examId);
  if (!d) throw new Error(t("routes.noExam"));
  const snap = examSnapshot(db, examId)!;
  const base = `/exams/${examId}`;
  const items: PreflightItem[] = [];
  const add = (i: PreflightItem) => items.push(i);
  const rows = participantRows(db, examId);
  const students = rows.filter((p) => p.kind === "student");
  const backups = rows.filter((p) => p.kind === "backup");

  for (const i of localChecks(db, d, rows)) add(i);
  const settings = getSettings(db).settings;

  // ---- image --------------------------------------------------------------------------------
  const term = d.term;
  const pin = imagePinned(term.image);
  const rendered = renderPortal(db);
  const examValues = rendered.render.values.exam as { prePuller?: { extraImages?: Record<string, { name: string; tag: string }> } } | undefined;
  const prePulled = Object.values(examValues?.prePuller?.extraImages ?? {}).some((i) => `${i.name}${i.tag.startsWith("sha256:") ? "@" : ":"}${i.tag}` === term.image);
  add({
    id: "image",
    group: "image",
    title: t("pf.image.title"),
    status: pin.pinned && prePulled ? "go" : "no-go",
    detail: `${term.image} ${pin.why}${prePulled ? t("pf.image.listed") : t("pf.image.notListed")}.`,
    fix: pin.pinned ? (prePulled ? "" : t("pf.image.fixPush")) : t("pf.image.fixPin"),
    ...(pin.pinned && !prePulled ? { href: "/cluster/push", byAdmins: true } : { href: `/courses/${d.course.id}/terms/${d.term.id}` }),
  });

  // ---- the cluster, read back ---------------------------------------------------------------
  const hubData = examHubData(snap);
  const expected = new Map((hubData?.accounts ?? []).map((a) => [a.username, a.passwordHash]));
  const probe = db.select().from(examProbes).where(eq(examProbes.examId, examId)).get();
  const examObjects = rendered.render.objects.filter((o) => o.metadata.labels?.["e2x-portal/hub"] === "exam" || o.metadata.namespace === settings.hubs.exam.namespace);
  if ("error" in target || target.kind !== "cluster") {
    const why = "error" in target ? target.error : t("pf.exportDir", { dir: target.dir });
    // one item, not four with the same reason: the list says what is read back once connected
    add({
      id: "cluster",
      group: "cluster",
      title: t("pf.unread.title"),
      status: "no-go",
      detail: `${t("pf.notChecked", { why })} ${t("pf.unread.waits")}`,
      fix: t("pf.fixCluster"),
      href: "/cluster",
      byAdmins: true,
      list: (["secret", "profiles", "policies", "capacity"] as const).map((id) => t(`pf.${id}.title`)),
    });
  } else {
    const conn = target.connection;
    const ns = settings.hubs.exam.namespace;
    // the password Secret: this exam's accounts and hashes, as the hub reads them
    const secret = await get(conn, `/api/v1/namespaces/${ns}/secrets/${EXAM_PASSWORDS_SECRET}`);
    if (!secret.found) {
      add({ id: "secret", group: "cluster", title: t("pf.secret.title"), status: "no-go", detail: secret.status === 404 ? t("pf.noSecret", { name: EXAM_PASSWORDS_SECRET, ns }) : t("pf.secretUnreadable", { error: secret.message }), fix: t("pf.fixPushExam"), href: base });
    } else {
      const problems: string[] = [];
      let count = 0;
      try {
        const doc = JSON.parse(Buffer.from(secret.body.data?.[EXAM_PASSWORDS_KEY] ?? "", "base64").toString("utf8"));
        const index = (doc.exams ?? []).findIndex((e: { id: number }) => e.id === examId);
        const onHub = new Map<string, string>();
        if (index >= 0) for (const [u, row] of Object.entries<unknown[]>(doc.accounts ?? {})) if (row[0] === index) onHub.set(u, String(row[3]));
        count = onHub.size;
        if (index < 0 && expected.size) problems.push(t("pf.notThisExam"));
        for (const [u, h] of expected) {
          if (!onHub.has(u)) problems.push(t("pf.noHash", { username: u }));
          else if (onHub.get(u) !== h) problems.push(t("pf.otherHash", { username: u }));
        }
        for (const u of onHub.keys()) if (!expected.has(u)) problems.push(t("pf.notParticipant", { username: u }));
      } catch {
        problems.push(t("pf.noParse"));
      }
      const probeNote = probe?.passwordHash && expected.size > rows.filter((p) => p.hasPassword).length ? t("pf.probeNote") : "";
      add({
        id: "secret",
        group: "cluster",
        title: t("pf.secret.title"),
        status: problems.length ? "no-go" : "go",
        detail: problems.length
          ? t("pf.secretDiff", { count, expected: expected.size, diffs: problems.length })
          : t("pf.secretOk", { count, students: students.length, backups: backups.length, probe: probeNote }),
        fix: problems.length ? t("pf.fixSecret") : "",
        href: base,
        list: few(problems),
      });
      // profiles and policies: each rendered object, read back and compared
      for (const [id, kind] of [
        ["profiles", "ConfigMap"],
        ["policies", "NetworkPolicy"],
      ] as const) {
        const title = t(`pf.${id}.title`);
        const what = t(`pf.${id}.one`);
        const want = examObjects.filter((o) => o.kind === kind);
        const problems: string[] = [];
        for (const o of want) {
          const live = await get(conn, objectPathOf(o));
          if (!live.found) problems.push(live.status === 404 ? t("pf.objMissing", { what, name: o.metadata.name }) : t("pf.objError", { what, name: o.metadata.name, error: live.message }));
          else {
            const field = kind === "ConfigMap" ? "data" : "spec";
            const a = normalizeObject({ [field]: o[field] ?? {} });
            const b = normalizeObject({ [field]: live.body[field] ?? {} });
            if (!deepEqual(a, b)) problems.push(t("pf.objDiffers", { what, name: o.metadata.name }));
          }
        }
        add({
          id,
          group: "cluster",
          title,
          status: problems.length ? "no-go" : "go",
          detail: problems.length ? t(`pf.${id}.problems`, { problems: problems.length, total: want.length }) : t(`pf.${id}.ok`, { total: want.length }),
          fix: problems.length ? t("pf.fixObjects") : "",
          href: "/cluster/push",
          byAdmins: true,
          list: few(problems),
        });
      }
      // capacity: exam nodes' allocatable against every participant at requests = limits
      const nodes = await get(conn, `/api/v1/nodes?labelSelector=${encodeURIComponent(`${EXAM_NODE_LABEL}=exam`)}`);
      const pods = rows.length;
      const cpuEach = cpuToCores(term.cpuLimit);
      const memEach = memToBytes(term.memLimit);
      if (!nodes.found) {
        add({ id: "capacity", group: "capacity", title: t("pf.capacity.title"), status: "no-go", detail: t("pf.nodesUnreadable", { error: nodes.message }), fix: t("pf.fixNodes"), href: "/cluster", byAdmins: true });
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
          names.push(t("pf.node", { name: n.metadata.name, cpu: c, mem: gib(m) }));
        }
        const needCpu = pods * cpuEach;
        const needMem = pods * memEach;
        const short: string[] = [];
        if (cpu < needCpu) short.push(t("pf.shortCpu", { have: cpu, need: needCpu }));
        if (mem < needMem) short.push(t("pf.shortMem", { have: gib(mem), need: gib(needMem) }));
        add({
          id: "capacity",
          group: "capacity",
          title: t("pf.capacity.title"),
          status: list.length && !short.length ? "go" : "no-go",
          detail: !list.length
            ? t("pf.noNodes", { label: EXAM_NODE_LABEL })
            : short.length
              ? t("pf.tooLittle", { count: list.length, pods, cpu: term.cpuLimit, mem: term.memLimit, short: short.join(", ") })
              : t("pf.enough", { count: list.length, cpu, mem: gib(mem), pods, needCpu, needMem: gib(needMem) }),
          fix: !list.length || short.length ? t("pf.fixCapacity", { label: EXAM_NODE_LABEL }) : "",
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
    add({ id: "hub-api", group: "hub", title: t("pf.hubApi.title"), status: "no-go", detail: hub.error, fix: t("pf.hubApi.fixSettings"), href: `${base}/preflight#hub-api`, byAdmins: true });
  } else {
    try {
      hubVersion = await hub.api.version();
      await hub.api.call("GET", "/users?limit=1");
      add({ id: "hub-api", group: "hub", title: t("pf.hubApi.title"), status: "go", detail: t("pf.hubApi.ok", { version: hubVersion, url: hub.settings.apiUrl }), fix: "" });
    } catch (e) {
      add({ id: "hub-api", group: "hub", title: t("pf.hubApi.title"), status: "no-go", detail: (e as Error).message, fix: t("pf.hubApi.fixRunning"), href: `${base}/preflight#hub-api`, byAdmins: true });
    }
  }
  add({
    id: "probe",
    group: "hub",
    title: t("pf.probe.title"),
    status: probe?.lastRunAt ? (probe.lastOk ? "go" : "no-go") : "warn",
    detail: probe?.lastRunAt
      ? t("pf.probe.result", { outcome: probe.lastOk ? t("pf.probe.succeeded") : t("pf.probe.failed"), when: when(probe.lastRunAt), steps: (probe.lastSteps ?? []).map((s) => `${s.ok ? "✓" : "✗"} ${s.detail}`).join("; ") })
      : d.exam.status === "open"
        ? t("pf.probe.notRun")
        : t("pf.probe.whenOpen"),
    fix: probe?.lastRunAt && probe.lastOk ? "" : t("pf.probe.fix"),
    href: `${base}/preflight#probe`,
  });

  return { examId, checkedAt: new Date().toISOString(), go: items.every((i) => i.status !== "no-go"), items, hubVersion };
}
