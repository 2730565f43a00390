/**
 * Deployment settings: where the three hubs live (namespace, Helm release, host), the NFS
 * server, LDAP, and the exam network. Stored as one validated JSON row; the E2x defaults
 * apply until an admin saves the settings card on the cluster page.
 */
import { msg, t } from "@/lib/i18n/t";
import { zodParseOptions } from "@/lib/i18n/zod";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { ActionContext } from "@/lib/auth/guard-types";
import type { DbOrTx } from "@/lib/db/client";
import { HUBS, type HubName } from "@/lib/constants";
import { deploymentSettings } from "@/lib/db/schema";
import { isIp } from "@/lib/render/model";

const dnsLabel = z
  .string()
  .trim()
  .min(1, msg("errors.required"))
  .max(63, msg("settingsErrors.atMostChars", { max: 63 }))
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, msg("settingsErrors.dnsLabel"));
const host = z
  .string()
  .trim()
  .max(253)
  .regex(/^$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i, msg("settingsErrors.host"));
const cidr = z
  .string()
  .trim()
  .refine(isCidr, msg("settingsErrors.cidr"));

export function isCidr(s: string): boolean {
  const m4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  if (m4) return m4.slice(1, 5).every((o) => Number(o) <= 255) && Number(m4[5]) <= 32;
  const m6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(s);
  return !!m6 && m6[1].includes(":") && Number(m6[2]) <= 128;
}

export const hubSettingsSchema = z.object({
  namespace: dnsLabel,
  releaseName: dnsLabel,
  host,
  /** NodePort of the hub's proxy (`proxy.service.nodePorts.http`), where the load balancer sends it; null: Kubernetes picks one. */
  nodePort: z.number().int().min(30000, msg("settingsErrors.nodePort")).max(32767, msg("settingsErrors.nodePort")).nullable().default(null),
});

const ip = z.string().trim().refine((s) => isIp(s), msg("settingsErrors.ip"));
const username = z.string().trim().regex(/^[^\s/{}\\]{1,128}$/, msg("settingsErrors.username"));

export const deploymentSettingsSchema = z.object({
  hubs: z.object({ assignment: hubSettingsSchema, exam: hubSettingsSchema, grading: hubSettingsSchema }),
  nfs: z.object({
    server: z.string().trim().min(1, msg("errors.required")).max(253).regex(/^[A-Za-z0-9.:-]+$/, msg("settingsErrors.hostOrIp")),
    basePath: z.string().trim().regex(/^\/[^\0\s]*$/, msg("settingsErrors.path")),
  }),
  ldap: z.object({
    enabled: z.boolean(),
    url: z.string().trim().regex(/^ldaps?:\/\/[^/:\s]+(:\d+)?\/?$/, msg("settingsErrors.ldapUrl")),
    bindDn: z.string().trim().min(1, msg("errors.required")),
    searchBase: z.string().trim().min(1, msg("errors.required")),
    searchFilter: z.string().trim().min(1, msg("errors.required")).refine((f) => f.startsWith("(") && f.endsWith(")"), msg("settingsErrors.ldapFilter")),
    /** Name of the Secret (in each hub namespace) that holds the bind password: only a reference. */
    bindPasswordSecret: dnsLabel,
    bindPasswordKey: z.string().trim().min(1, msg("errors.required")).regex(/^[-._a-zA-Z0-9]+$/, msg("settingsErrors.secretKey")),
  }),
  exam: z.object({
    sourceCidrs: z.array(cidr).max(100, msg("settingsErrors.atMostNetworks", { max: 100 })),
    /** No longer used: each exam has its own period (kept so that stored settings still read). */
    period: z.string().trim().regex(/^[A-Za-z0-9_-]{1,20}$/, msg("settingsErrors.period")).default("PZ1"),
  }),
  /** The network in front of the hubs (E2x: a load-balancer VM with HAProxy before the NodePorts). */
  network: z
    .object({
      /** NodePort behind the load-balancer VM, or LoadBalancer where the cluster has one. */
      serviceType: z.enum(["NodePort", "LoadBalancer"]),
      /** Addresses the hubs' proxies see the load balancer connect from: their X-Forwarded-For is believed. */
      trustedProxies: z.array(ip).max(50, msg("settingsErrors.atMostAddresses", { max: 50 })),
      /** Cluster node addresses HAProxy forwards to. */
      nodeAddresses: z.array(ip).max(200, msg("settingsErrors.atMostAddresses", { max: 200 })),
    })
    .default({ serviceType: "NodePort", trustedProxies: [], nodeAddresses: [] }),
  /** Who administers the hubs and how many spawns run at once. */
  hubAccess: z
    .object({
      /** Hub admins besides the portal's admin accounts (e.g. LDAP names of operators). */
      extraAdmins: z.array(username).max(100, msg("settingsErrors.atMostNames", { max: 100 })),
      concurrentSpawnLimit: z.number().int().min(1, msg("settingsErrors.atLeast", { min: 1 })).max(10_000, msg("settingsErrors.atMost", { max: 10000 })),
      timezone: z.string().trim().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, msg("settingsErrors.timezone")),
      /** Idle servers are stopped after this many minutes (the chart's idle culler). */
      cullTimeoutMinutes: z.number().int().min(5, msg("settingsErrors.atLeastMinutes", { min: 5 })).max(43_200, msg("settingsErrors.cullMax")).default(120),
    })
    .default({ extraAdmins: [], concurrentSpawnLimit: 100, timezone: "Europe/Berlin", cullTimeoutMinutes: 120 }),
});
export type DeploymentSettings = z.infer<typeof deploymentSettingsSchema>;

export const DEFAULT_SETTINGS: DeploymentSettings = {
  hubs: {
    assignment: { namespace: "e2x-assignment", releaseName: "assignment", host: "", nodePort: null },
    exam: { namespace: "e2x-exam", releaseName: "exam", host: "", nodePort: null },
    grading: { namespace: "e2x-grading", releaseName: "grading", host: "", nodePort: null },
  },
  nfs: { server: "nfs.e2x.example.edu", basePath: "/export/e2x" },
  ldap: {
    enabled: true,
    url: "ldaps://ldap.example.edu:636",
    bindDn: "cn=jupyterhub,ou=services,dc=example,dc=edu",
    searchBase: "ou=people,dc=example,dc=edu",
    searchFilter: "(uid={login})",
    bindPasswordSecret: "e2x-ldap",
    bindPasswordKey: "bind-password",
  },
  exam: { sourceCidrs: [], period: "PZ1" },
  network: { serviceType: "NodePort", trustedProxies: [], nodeAddresses: [] },
  hubAccess: { extraAdmins: [], concurrentSpawnLimit: 100, timezone: "Europe/Berlin", cullTimeoutMinutes: 120 },
};

export interface StoredSettings {
  settings: DeploymentSettings;
  /** False while the defaults apply (nothing saved yet). */
  saved: boolean;
  updatedAt: Date | null;
  /** Settings that still name the example hosts of the defaults. */
  placeholders: string[];
}

const SETTINGS_ID = 1;

/** Settings that still point at the placeholder hosts of the defaults. */
export function placeholderWarnings(s: DeploymentSettings): string[] {
  const out: string[] = [];
  if (/example\.(edu|org|com)$/.test(s.nfs.server)) out.push(t("settingsErrors.nfsPlaceholder", { server: s.nfs.server }));
  if (s.ldap.enabled && /example\.(edu|org|com)/.test(s.ldap.url)) out.push(t("settingsErrors.ldapPlaceholder", { url: s.ldap.url }));
  return out;
}

/** Later validation problems that zod per field cannot see: one namespace per hub. */
export function crossFieldErrors(s: DeploymentSettings): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const seen = new Map<string, HubName>();
  for (const h of HUBS) {
    const ns = s.hubs[h].namespace;
    const other = seen.get(ns);
    if (other) errors[`${h}Namespace`] = [t("settingsErrors.namespaceTaken", { hub: other, namespace: ns })];
    seen.set(ns, h);
  }
  const ports = new Map<number, HubName>();
  for (const h of HUBS) {
    const p = s.hubs[h].nodePort;
    if (p === null) continue;
    const other = ports.get(p);
    if (other) errors[`${h}NodePort`] = [t("settingsErrors.nodePortTaken", { hub: other, port: p })];
    ports.set(p, h);
  }
  return errors;
}

export function getSettings(db: DbOrTx): StoredSettings {
  const row = db.select().from(deploymentSettings).where(eq(deploymentSettings.id, SETTINGS_ID)).get();
  if (!row) return { settings: DEFAULT_SETTINGS, saved: false, updatedAt: null, placeholders: placeholderWarnings(DEFAULT_SETTINGS) };
  const parsed = deploymentSettingsSchema.safeParse(row.value);
  // A row written by an older version that no longer validates: fall back field by field.
  const settings = parsed.success ? parsed.data : mergeDefaults(row.value);
  return { settings, saved: true, updatedAt: row.updatedAt, placeholders: placeholderWarnings(settings) };
}

function mergeDefaults(value: unknown): DeploymentSettings {
  const v = (value ?? {}) as Partial<DeploymentSettings>;
  const merged = {
    hubs: { ...DEFAULT_SETTINGS.hubs, ...(v.hubs ?? {}) },
    nfs: { ...DEFAULT_SETTINGS.nfs, ...(v.nfs ?? {}) },
    ldap: { ...DEFAULT_SETTINGS.ldap, ...(v.ldap ?? {}) },
    exam: { ...DEFAULT_SETTINGS.exam, ...(v.exam ?? {}) },
    network: { ...DEFAULT_SETTINGS.network, ...(v.network ?? {}) },
    hubAccess: { ...DEFAULT_SETTINGS.hubAccess, ...(v.hubAccess ?? {}) },
  };
  const r = deploymentSettingsSchema.safeParse(merged);
  return r.success ? r.data : DEFAULT_SETTINGS;
}

/** Saves the settings (validated again here) with an audit entry of what changed. */
export function saveSettings(input: DeploymentSettings, ctx: ActionContext): DeploymentSettings {
  const settings = deploymentSettingsSchema.parse(input);
  const before = getSettings(ctx.tx).settings;
  ctx.tx
    .insert(deploymentSettings)
    .values({ id: SETTINGS_ID, value: settings, updatedAt: new Date(), updatedBy: ctx.principal.id })
    .onConflictDoUpdate({ target: deploymentSettings.id, set: { value: settings, updatedAt: new Date(), updatedBy: ctx.principal.id } })
    .run();
  const changed = flatDiff(before, settings);
  ctx.audit({
    action: "cluster.settings",
    entityType: "deployment",
    entityId: "settings",
    message: changed.length ? { key: "settingsChanged", params: { fields: changed.join(", ") } } : { key: "settingsSaved" },
    before,
    after: settings,
  });
  return settings;
}

function flatDiff(a: unknown, b: unknown, prefix = ""): string[] {
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => flatDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

// ---- the settings card's flat form ---------------------------------------------------------

/** Flat form fields of the settings card (`assignmentNamespace`, `nfsServer`, ...). */
export function settingsToForm(s: DeploymentSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of HUBS) {
    out[`${h}Namespace`] = s.hubs[h].namespace;
    out[`${h}Release`] = s.hubs[h].releaseName;
    out[`${h}Host`] = s.hubs[h].host;
    out[`${h}NodePort`] = s.hubs[h].nodePort === null ? "" : String(s.hubs[h].nodePort);
  }
  out.nfsServer = s.nfs.server;
  out.nfsBasePath = s.nfs.basePath;
  out.ldapEnabled = s.ldap.enabled ? "on" : "";
  out.ldapUrl = s.ldap.url;
  out.ldapBindDn = s.ldap.bindDn;
  out.ldapSearchBase = s.ldap.searchBase;
  out.ldapSearchFilter = s.ldap.searchFilter;
  out.ldapRefName = s.ldap.bindPasswordSecret;
  out.ldapRefKey = s.ldap.bindPasswordKey;
  out.examCidrs = s.exam.sourceCidrs.join("\n");
  out.serviceType = s.network.serviceType;
  out.trustedProxies = s.network.trustedProxies.join("\n");
  out.nodeAddresses = s.network.nodeAddresses.join("\n");
  out.extraAdmins = s.hubAccess.extraAdmins.join("\n");
  out.concurrentSpawnLimit = String(s.hubAccess.concurrentSpawnLimit);
  out.timezone = s.hubAccess.timezone;
  out.cullTimeoutMinutes = String(s.hubAccess.cullTimeoutMinutes);
  return out;
}

const FORM_PATH: Record<string, string> = {
  "nfs.server": "nfsServer",
  "nfs.basePath": "nfsBasePath",
  "ldap.url": "ldapUrl",
  "ldap.bindDn": "ldapBindDn",
  "ldap.searchBase": "ldapSearchBase",
  "ldap.searchFilter": "ldapSearchFilter",
  "ldap.bindPasswordSecret": "ldapRefName",
  "ldap.bindPasswordKey": "ldapRefKey",
  "network.serviceType": "serviceType",
  "network.trustedProxies": "trustedProxies",
  "network.nodeAddresses": "nodeAddresses",
  "hubAccess.extraAdmins": "extraAdmins",
  "hubAccess.concurrentSpawnLimit": "concurrentSpawnLimit",
  "hubAccess.timezone": "timezone",
  "hubAccess.cullTimeoutMinutes": "cullTimeoutMinutes",
};

/** The form field a settings path belongs to (`hubs.exam.namespace` -> `examNamespace`). */
export function formFieldOf(path: readonly PropertyKey[]): string {
  const p = path.map(String);
  if (p[0] === "hubs" && p.length >= 3) return `${p[1]}${p[2] === "releaseName" ? "Release" : p[2] === "nodePort" ? "NodePort" : p[2][0].toUpperCase() + p[2].slice(1)}`;
  if (p[0] === "exam" && p[1] === "sourceCidrs") return "examCidrs";
  return FORM_PATH[p.slice(0, 2).join(".")] ?? "_form";
}

/** "" -> null; digits -> a number; anything else stays a string for zod to refuse. */
function optionalNumber(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  return /^\d+$/.test(t) ? Number(t) : (t as unknown as number);
}

/** Splits a CIDR list typed one per line (or separated by commas/spaces). */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))];
}

/** Parses the flat form into settings; errors keyed by form field. */
export function parseSettingsForm(form: Record<string, unknown>):
  | { ok: true; settings: DeploymentSettings }
  | { ok: false; fieldErrors: Record<string, string[]> } {
  const str = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
  const candidate = {
    hubs: Object.fromEntries(
      HUBS.map((h) => [
        h,
        { namespace: str(`${h}Namespace`), releaseName: str(`${h}Release`), host: str(`${h}Host`), nodePort: optionalNumber(str(`${h}NodePort`)) },
      ]),
    ),
    nfs: { server: str("nfsServer"), basePath: str("nfsBasePath") },
    ldap: {
      enabled: form.ldapEnabled === "on" || form.ldapEnabled === "true",
      url: str("ldapUrl"),
      bindDn: str("ldapBindDn"),
      searchBase: str("ldapSearchBase"),
      searchFilter: str("ldapSearchFilter"),
      bindPasswordSecret: str("ldapRefName"),
      bindPasswordKey: str("ldapRefKey"),
    },
    exam: { sourceCidrs: splitList(str("examCidrs")), period: "PZ1" },
    network: {
      serviceType: str("serviceType") || "NodePort",
      trustedProxies: splitList(str("trustedProxies")),
      nodeAddresses: splitList(str("nodeAddresses")),
    },
    hubAccess: {
      extraAdmins: splitList(str("extraAdmins")),
      concurrentSpawnLimit: optionalNumber(str("concurrentSpawnLimit")) ?? 100,
      timezone: str("timezone") || "Europe/Berlin",
      cullTimeoutMinutes: optionalNumber(str("cullTimeoutMinutes")) ?? 120,
    },
  };
  const r = deploymentSettingsSchema.safeParse(candidate, zodParseOptions());
  if (!r.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of r.error.issues) {
      const key = formFieldOf(issue.path);
      let msg = issue.message;
      if (key === "examCidrs" && typeof issue.path[2] === "number") msg = `${candidate.exam.sourceCidrs[issue.path[2]]}: ${msg}`;
      if ((key === "trustedProxies" || key === "nodeAddresses") && typeof issue.path[2] === "number") msg = `${candidate.network[key][issue.path[2]]}: ${msg}`;
      if (key === "extraAdmins" && typeof issue.path[2] === "number") msg = `${candidate.hubAccess.extraAdmins[issue.path[2]]}: ${msg}`;
      (fieldErrors[key] ??= []).push(msg);
    }
    return { ok: false, fieldErrors };
  }
  const cross = crossFieldErrors(r.data);
  if (Object.keys(cross).length) return { ok: false, fieldErrors: cross };
  return { ok: true, settings: r.data };
}
