import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { getTerm } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { attachmentHeader, CSV_DIALECTS, csvDialectOf } from "@/lib/csv/write";
import { exportE2xCsv, exportFullCsv } from "@/lib/rosters/csv";
import { nbgraderCourseId } from "@/lib/courses/course-id";
import { allStudents } from "@/lib/rosters/roster";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

const query = z.object({
  termId: z.coerce.number().int().positive(),
  format: z.enum(["e2x", "full"]).default("e2x"),
  variant: z.enum(CSV_DIALECTS).optional(),
});

/**
 * Roster export: `Username` CSV as the E2x tools read it, or every field (`variant`
 * standard or excel-de; default by the portal's language).
 */
export const GET = localizedRoute(async function GET(req: Request, { params }: { params: Promise<{ termId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const sp = new URL(req.url).searchParams;
  const parsed = query.safeParse({ termId: (await params).termId, format: sp.get("format") ?? undefined, variant: sp.get("variant") ?? undefined });
  if (!parsed.success) return Response.json({ error: t("routes.rosterQuery") }, { status: 400 });
  const db = getDb();
  const row = getTerm(db, parsed.data.termId);
  if (!row) return Response.json({ error: t("routes.noTerm") }, { status: 404 });
  const refused = authorizeRoute(principal, "roster.view", { courseId: row.course.id });
  if (refused) return refused;
  const list = allStudents(db, parsed.data.termId);
  const courseId = nbgraderCourseId(row.course.code, row.term.term);
  const variant = csvDialectOf(parsed.data.variant);
  const body = parsed.data.format === "e2x" ? exportE2xCsv(list.map((s) => s.username)) : exportFullCsv(list, { dialect: variant });
  writeAudit(db, { id: principal.id, username: principal.username }, {
    action: "roster.export",
    entityType: "term",
    entityId: row.term.id,
    courseId: row.course.id,
    message: { key: "rosterExport", params: { course: courseId, format: parsed.data.format, variant, excel: variant === "excel-de" ? "yes" : "no", count: list.length } },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": attachmentHeader(`${courseId}${parsed.data.format === "full" ? `.full${variant === "excel-de" ? ".excel-de" : ""}` : ""}.csv`),
      "cache-control": "no-store",
    },
  });
});
