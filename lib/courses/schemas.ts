import { z } from "zod";
import { HUBS, TERM_ROLES } from "@/lib/constants";
import type { TermMount } from "./term-mount";
import { msg, t } from "@/lib/i18n/t";
import { imageError, normalizeCpu, normalizeMemory, parseQuantity, quantityError } from "./quantity";

export const COURSE_CODE = /^[a-z0-9][a-z0-9_-]{1,31}$/;
export const TERM_CODE = /^[A-Z]{2,4}\d{2,4}$/;
export const TEMPLATE_VARS = ["username", "course_id", "term", "course"] as const;

export const courseInput = z.object({
  code: z
    .string()
    .trim()
    .toLowerCase()
    .regex(COURSE_CODE, msg("courses.errors.code")),
  title: z.string().trim().min(2, msg("courses.errors.title")).max(200),
  description: z.string().trim().max(2000).default(""),
});
export type CourseInput = z.infer<typeof courseInput>;

function templateError(path: string): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(path)) return "A path may not contain control characters or line breaks.";
  if (path.split("/").includes("..")) return t("term.errors.dotdot");
  for (const m of path.matchAll(/\{([^}]*)\}/g)) {
    if (!(TEMPLATE_VARS as readonly string[]).includes(m[1])) return t("term.errors.placeholder", { name: `{${m[1]}}`, list: TEMPLATE_VARS.map((v) => `{${v}}`).join(", ") });
  }
  return null;
}

/**
 * Where each mount kind may point on the NFS export, anchored to the course (the E2x layout), so a
 * term cannot mount the whole export or another course's data into every pod. `extra` mounts may
 * point anywhere below the export; only admins add them (lib/courses/courses.ts).
 */
const MOUNT_ANCHORS: Record<"home" | "exchange" | "shared", { test: (p: string) => boolean; expected: string }> = {
  home: {
    test: (p) => p.startsWith("homes/teaching/students/{course_id}/") && p.split("/").includes("{username}"),
    expected: "homes/teaching/students/{course_id}/…/{username}, one home per student of this term",
  },
  exchange: {
    test: (p) => p === "nbgrader/exchanges/{course}/{course_id}",
    expected: "nbgrader/exchanges/{course}/{course_id}, this term's exchange",
  },
  shared: {
    test: (p) => /^shares\/teaching\/(public|courses\/\{course\})(\/|$)/.test(p),
    expected: "shares/teaching/public or shares/teaching/courses/{course}, or a folder below them",
  },
};

/** Why a mount's NFS path is refused, or null. */
export function mountPathError(kind: "home" | "exchange" | "shared" | "extra", subPath: string): string | null {
  const p = subPath.trim().replace(/\/+$/, "");
  const segments = p.split("/");
  if (!p || segments.some((seg) => seg === "" || seg === ".")) return t("term.errors.emptyParts");
  if (kind === "extra") return null;
  const anchor = MOUNT_ANCHORS[kind];
  return anchor.test(p) ? null : t("term.errors.anchor", { kind: t(`term.kinds.${kind}`), expected: String(t.raw(`term.anchors.${kind}`)) });
}

export const mountInput = z
  .object({
    kind: z.enum(["home", "exchange", "shared", "extra"]),
    subPath: z.string().trim().min(1, msg("errors.required")),
    mountPath: z.string().trim().regex(/^\/[^\0]*$/, msg("term.errors.absolute")),
    readOnly: z.boolean(),
  })
  .superRefine((m, ctx) => {
    const err =
      templateError(m.subPath) ?? (m.subPath.startsWith("/") ? t("term.errors.relative") : null) ?? mountPathError(m.kind, m.subPath);
    if (err) ctx.addIssue({ code: "custom", path: ["subPath"], message: err });
    const segs = m.mountPath.replace(/\/+$/, "").split("/").slice(1);
    const err2 =
      templateError(m.mountPath) ?? (segs.length === 0 || segs.some((seg) => seg === "" || seg === ".") ? t("term.errors.folder") : null);
    if (err2) ctx.addIssue({ code: "custom", path: ["mountPath"], message: err2 });
  });

/** The E2x NFS layout (teaching mode); staff can change every line per term. */
export function defaultMounts(): TermMount[] {
  return [
    { kind: "home", subPath: "homes/teaching/students/{course_id}/{username}", mountPath: "/home/jovyan", readOnly: false },
    { kind: "exchange", subPath: "nbgrader/exchanges/{course}/{course_id}", mountPath: "/srv/nbgrader/exchange/{course_id}", readOnly: false },
    { kind: "shared", subPath: "shares/teaching/public", mountPath: "/srv/shares/public", readOnly: true },
    { kind: "shared", subPath: "shares/teaching/courses/{course}", mountPath: "/srv/shares/{course}", readOnly: true },
  ];
}

const mountsField = z.preprocess((v) => {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}, z.array(mountInput).max(20, msg("term.errors.maxMounts")));

export const termInput = z
  .object({
    courseId: z.coerce.number().int().positive(),
    term: z.string().trim().toUpperCase().regex(TERM_CODE, msg("term.errors.code")),
    hubs: z.array(z.enum(HUBS)).min(1, msg("term.errors.hubs")),
    image: z.string().trim(),
    // Plain words ("0,5", "2 GB") or Kubernetes quantities ("500m", "2Gi"); stored as quantities.
    cpuGuarantee: z.string().trim().transform(normalizeCpu),
    cpuLimit: z.string().trim().transform(normalizeCpu),
    memGuarantee: z.string().trim().transform(normalizeMemory),
    memLimit: z.string().trim().transform(normalizeMemory),
    mounts: mountsField,
  })
  .superRefine((term, ctx) => {
    const img = imageError(term.image);
    if (img) ctx.addIssue({ code: "custom", path: ["image"], message: img });
    for (const [field, kind] of [
      ["cpuGuarantee", "cpu"],
      ["cpuLimit", "cpu"],
      ["memGuarantee", "memory"],
      ["memLimit", "memory"],
    ] as const) {
      const e = quantityError(term[field], kind);
      if (e) ctx.addIssue({ code: "custom", path: [field], message: e });
    }
    const pairs = [
      ["cpuGuarantee", "cpuLimit"],
      ["memGuarantee", "memLimit"],
    ] as const;
    for (const [g, l] of pairs) {
      const gv = parseQuantity(term[g]);
      const lv = parseQuantity(term[l]);
      if (gv !== null && lv !== null && gv > lv) {
        ctx.addIssue({ code: "custom", path: [g], message: t("quantity.aboveLimit", { g: term[g], l: term[l] }) });
      }
    }
  });
export type TermInput = z.infer<typeof termInput>;

export const staffAssignmentInput = z.object({
  termId: z.coerce.number().int().positive(),
  username: z.string().trim().min(1, msg("term.errors.chooseStaff")),
  role: z.enum(TERM_ROLES),
});
