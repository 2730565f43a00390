import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { after } from "next/server";
import { cache } from "react";
import { z } from "zod";
import { writeAudit, type AuditEntry } from "@/lib/audit/audit";
import { getDb } from "@/lib/db/client";
import { dbErrorKey } from "@/lib/db/errors";
import { requestLocale } from "@/lib/i18n/request-locale";
import { t, withLocale } from "@/lib/i18n/t";
import { zodParseOptions } from "@/lib/i18n/zod";
import { ActionError, type ActionContext, type ActionState, type FieldErrors } from "./guard-types";
import { auth } from "./auth";
import { can, coursesWith, type Capability, type Principal, type Scope } from "./capabilities";
import { signInHref } from "./next-path";
import { loadPrincipal } from "./principal";
import { resolveScope, type ScopeRef } from "./scope";

export { ActionError, type ActionContext, type ActionState, type FieldErrors, type ScopeRef };

/**
 * The one guard. Every page, server action and route handler asks it, by capability and
 * course; the session alone is never trusted for rights (they are re-read each request).
 */
export async function currentPrincipal(): Promise<Principal | null> {
  const session = await auth();
  const id = Number(session?.user?.id);
  const sv = Number(session?.user?.sv);
  if (!Number.isInteger(id) || id <= 0 || !Number.isInteger(sv)) return null;
  // the session version is checked on every request: sign-out, a password or role change and
  // deactivation end every session issued before
  return loadPrincipal(getDb(), id, sv);
}

/**
 * The principal of one page request, read once: the portal layout and the page (and whatever
 * else renders in that request) share it instead of decoding the session and reading the
 * account again. Server actions and route handlers call currentPrincipal() afresh.
 */
export const pagePrincipal = cache(currentPrincipal);

export const PASSWORD_CHANGE_PATH = "/password";

/** The page the browser asked for (set by proxy.ts), for the way back after sign-in. */
export async function requestedPath(): Promise<string | null> {
  return (await headers()).get("x-e2x-path");
}

/** For pages: redirects to sign-in (or to the forced password change), or renders the 403 page. */
export async function requirePage(capability: Capability, ref: ScopeRef = {}): Promise<Principal> {
  const principal = await requireSignedInPage();
  if (!can(principal, capability, resolveScope(getDb(), ref))) forbidden();
  return principal;
}

/** For pages: the signed-in principal, else to sign-in (and back here) or to the password change first. */
export async function requireSignedInPage(): Promise<Principal> {
  const principal = await pagePrincipal();
  if (!principal) redirect(signInHref(await requestedPath()));
  if (principal.mustChangePassword) redirect(PASSWORD_CHANGE_PATH);
  return principal;
}

/**
 * For pages across courses (the student search, a student's page): the principal and the courses
 * on which it holds the capability ("all" for a global grant); the 403 page when there are none.
 */
export async function requirePageCourses(capability: Capability): Promise<{ principal: Principal; courses: "all" | number[] }> {
  const principal = await pagePrincipal();
  if (!principal) redirect(signInHref(await requestedPath()));
  if (principal.mustChangePassword) redirect(PASSWORD_CHANGE_PATH);
  const courses = coursesWith(principal, capability);
  if (courses !== "all" && courses.length === 0) forbidden();
  return { principal, courses };
}

/**
 * For route handlers, first thing: the signed-in principal, or the 401 Response to return.
 * Call it before looking anything up, so a signed-out request learns nothing. Its messages are
 * in the request's language when the handler runs inside `localizedRoute` (lib/i18n/server).
 */
export async function authenticateRoute(): Promise<Principal | Response> {
  const principal = await currentPrincipal();
  if (!principal) return Response.json({ error: t("errors.signInFirst") }, { status: 401 });
  if (principal.mustChangePassword) return Response.json({ error: t("errors.changeFirst") }, { status: 403 });
  return principal;
}

/** For route handlers: a principal, or the Response to return. */
export async function requireRoute(capability: Capability, ref: ScopeRef = {}): Promise<Principal | Response> {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  return authorizeRoute(principal, capability, ref) ?? principal;
}

/** For route handlers after `authenticateRoute` and the lookups: the 403 Response, or null. */
export function authorizeRoute(principal: Principal, capability: Capability, ref: ScopeRef = {}): Response | null {
  const scope = resolveScope(getDb(), ref);
  if (can(principal, capability, scope)) return null;
  auditDenied(principal, capability, scope);
  return Response.json({ error: t("errors.notAllowed") }, { status: 403 });
}

function auditDenied(principal: Principal, capability: Capability, scope: Scope) {
  writeAudit(getDb(), { id: principal.id, username: principal.username }, {
    action: "auth.denied",
    entityType: "capability",
    entityId: capability,
    courseId: scope.courseId ?? null,
    message: { key: "denied", params: { username: principal.username, capability, course: scope.courseId ? String(scope.courseId) : "none" } },
  });
}

interface ActionSpec<S extends z.ZodType, P, R> {
  schema: S;
  capability: Capability;
  /** Where the capability is needed: a course, or a term (its course is looked up here). */
  scope?: (input: z.infer<S>) => ScopeRef;
  /** Async work before the transaction (hashing, reading files); must not write. */
  prepare?: (input: z.infer<S>, principal: Principal) => Promise<P>;
  /** The change itself: synchronous, inside one transaction with its audit entries. */
  run?: (input: z.infer<S>, ctx: ActionContext, prepared: P) => { message: string; data?: R };
  /**
   * `run` only reads (a preview): its transaction is a read transaction, which does not wait
   * for the write lock another program holds.
   */
  readOnly?: boolean;
  /**
   * Instead of `run`, for a change that must reach the cluster before it is recorded (an exam
   * step): async, it commits its own transaction with its audit entries.
   */
  execute?: (input: z.infer<S>, principal: Principal) => Promise<{ message: string; data?: R }>;
  /** Paths to revalidate after a successful change. */
  revalidate?: (input: z.infer<S>, data: R | undefined) => string[];
  /** Where the browser goes after a successful change (the page it was on is gone, say). */
  redirectTo?: (input: z.infer<S>, data: R | undefined) => string;
  /**
   * Work that must wait until the transaction has committed (started with Next's `after()`,
   * once the response is on its way): e.g. a background job that reads the committed rows.
   */
  after?: (input: z.infer<S>, data: R | undefined) => void | Promise<void>;
  /** Form fields to list as arrays (checkbox groups). */
  arrays?: string[];
}

export function formToObject(form: FormData, arrays: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const all = form.getAll(key);
    out[key] = arrays.includes(key) ? all : all[all.length - 1];
  }
  for (const key of arrays) if (!(key in out)) out[key] = [];
  return out;
}

function echo(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && !/password|secret/i.test(k) && !k.startsWith("$ACTION")) out[k] = v;
  return out;
}

/**
 * Wraps a server action: validate (zod) -> authorize (guard) -> one transaction -> audit ->
 * revalidate -> after-commit work.
 */
export function defineAction<S extends z.ZodType, P = undefined, R = undefined>(spec: ActionSpec<S, P, R>) {
  return async function action(_prev: ActionState<R>, form: FormData): Promise<ActionState<R>> {
    return withLocale(await requestLocale(), () => runAction(spec, form));
  };
}

async function runAction<S extends z.ZodType, P, R>(spec: ActionSpec<S, P, R>, form: FormData): Promise<ActionState<R>> {
  const values = echo(form);
  const principal = await currentPrincipal();
  if (!principal) return { status: "error", message: t("errors.sessionEnded"), values };
  if (principal.mustChangePassword) return { status: "error", message: t("errors.changeFirst"), values };
  const parsed = spec.schema.safeParse(formToObject(form, spec.arrays), zodParseOptions());
  if (!parsed.success) {
    return { status: "error", message: t("errors.correctFields"), fieldErrors: issuesToFieldErrors(parsed.error), values };
  }
  const input = parsed.data;
  let target: string;
  const scope = resolveScope(getDb(), spec.scope?.(input) ?? {});
  if (!can(principal, spec.capability, scope)) {
    auditDenied(principal, spec.capability, scope);
    return { status: "error", message: t("errors.notAllowed"), values };
  }
  try {
    const prepared = (spec.prepare ? await spec.prepare(input, principal) : undefined) as P;
    const db = getDb();
    const run = spec.run;
    const result = spec.execute
      ? await spec.execute(input, principal)
      : db.transaction(
          (tx) => {
            const audit = (entry: AuditEntry) => writeAudit(tx, { id: principal.id, username: principal.username }, entry);
            return run!(input, { tx, principal, audit }, prepared);
          },
          spec.readOnly ? { behavior: "deferred" } : undefined,
        );
    if (spec.revalidate) {
      const { revalidatePath } = await import("next/cache");
      for (const p of spec.revalidate(input, result.data)) revalidatePath(p);
    }
    if (spec.after) {
      const work = spec.after;
      after(() => work(input, result.data));
    }
    if (spec.redirectTo) target = spec.redirectTo(input, result.data);
    else return { status: "ok", message: result.message, data: result.data, values };
  } catch (err) {
    if (err instanceof ActionError) return { status: "error", message: err.message, fieldErrors: err.fieldErrors, values };
    const db = dbErrorKey(err);
    if (db) return { status: "error", message: t(db.key, db.values), values };
    console.error("action failed", spec.capability, err instanceof Error ? err.message : err);
    return { status: "error", message: t("errors.unexpected"), values };
  }
  // outside the try: redirect() throws to end the action
  redirect(target);
}


/** Zod issues keyed by their dotted path ("mounts.0.subPath"), as the forms look them up. */
export function issuesToFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
