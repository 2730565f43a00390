import { z } from "zod";
import { ActionError } from "@/lib/auth/guard-types";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { examScope } from "@/lib/exams/exams";
import { issueSheets } from "@/lib/exams/issue";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

export const dynamic = "force-dynamic";

// whileOpen: the supervisor confirmed that, during the exam, the sheets on the desks stop working
const whileOpen = z.literal("yes").optional();
const body = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("all"), revision: z.coerce.number().int().nonnegative(), whileOpen }),
  z.object({ scope: z.literal("room"), roomId: z.coerce.number().int().positive(), revision: z.coerce.number().int().nonnegative(), whileOpen }),
  z.object({ scope: z.literal("missing"), revision: z.coerce.number().int().nonnegative() }),
  z.object({ scope: z.literal("reissue"), participantId: z.coerce.number().int().positive(), revision: z.coerce.number().int().nonnegative() }),
]);

/** The browser says where the request comes from; it must be the portal itself (no cross-site form posts). */
function sameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Issues one-time passwords and returns their sheets as a PDF, in one request: POST only
 * (a reload or prefetch must never issue passwords), from the portal's own pages only.
 */
export const POST = localizedRoute(async function POST(req: Request, { params }: { params: Promise<{ examId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const examId = Number((await params).examId);
  if (!Number.isInteger(examId) || examId <= 0) return Response.json({ error: t("routes.noExam") }, { status: 404 });
  if (!sameOrigin(req)) return Response.json({ error: t("routes.printFromPage") }, { status: 403 });
  const db = getDb();
  const scope = examScope(db, examId);
  if (scope.courseId < 0) return Response.json({ error: t("routes.noExam") }, { status: 404 });
  const refused = authorizeRoute(principal, "exam.print", scope);
  if (refused) return refused;
  let raw: unknown;
  try {
    raw = Object.fromEntries((await req.formData()).entries());
  } catch {
    return Response.json({ error: t("routes.sendForm") }, { status: 400 });
  }
  const parsed = body.safeParse(raw);
  if (!parsed.success) return Response.json({ error: t("routes.chooseScope") }, { status: 400 });
  const p = parsed.data;
  try {
    const r = await issueSheets(db, principal, examId, p.scope === "all" ? { kind: "all", whileOpen: !!p.whileOpen } : p.scope === "room" ? { kind: "room", roomId: p.roomId, whileOpen: !!p.whileOpen } : p.scope === "missing" ? { kind: "missing" } : { kind: "reissue", participantId: p.participantId }, p.revision);
    return new Response(Buffer.from(r.pdf), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${r.filename}"`,
        "cache-control": "no-store",
        "x-sheets": String(r.count),
        "x-sheets-replaced": String(r.replaced),
        "x-passwords-version": String(r.version),
        ...(r.hub ? { "x-exam-hub": encodeURIComponent(r.hub) } : {}),
      },
    });
  } catch (err) {
    if (err instanceof ActionError) return Response.json({ error: err.message }, { status: 409 });
    console.error("sheets failed", err instanceof Error ? err.message : err);
    return Response.json({ error: t("routes.sheetsFailed") }, { status: 500 });
  }
});
