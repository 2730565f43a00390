import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { courseIdOfTerm } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { reportCsv, reportData, reportPdf } from "@/lib/grading/report";
import { CSV_DIALECTS, csvDialectOf } from "@/lib/csv/write";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

export const dynamic = "force-dynamic";

const query = z.object({
  termId: z.coerce.number().int().positive(),
  assignment: z.coerce.number().int().positive(),
  format: z.enum(["csv", "pdf"]).default("pdf"),
  /** CSV only: standard or excel-de (default by the portal's language). */
  variant: z.enum(CSV_DIALECTS).optional(),
});

/** Report for the examination board: one row per student with time, hashcode and status. */
export const GET = localizedRoute(async function GET(req: Request, { params }: { params: Promise<{ termId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const sp = new URL(req.url).searchParams;
  const parsed = query.safeParse({ termId: (await params).termId, assignment: sp.get("assignment"), format: sp.get("format") ?? undefined, variant: sp.get("variant") ?? undefined });
  if (!parsed.success) return Response.json({ error: t("routes.reportQuery") }, { status: 400 });
  const db = getDb();
  if (courseIdOfTerm(db, parsed.data.termId) === undefined) return Response.json({ error: t("routes.noTerm") }, { status: 404 });
  const refused = authorizeRoute(principal, "grading.view", { termId: parsed.data.termId });
  if (refused) return refused;
  const data = reportData(db, parsed.data.termId, parsed.data.assignment);
  if (!data) return Response.json({ error: t("routes.noAssignment") }, { status: 404 });
  const name = `${data.nbgraderId}-${data.assignment.name}-hashcodes`.replace(/[^A-Za-z0-9._-]+/g, "_");
  const variant = csvDialectOf(parsed.data.variant);
  const body = parsed.data.format === "csv" ? reportCsv(data, { dialect: variant }) : await reportPdf(data, { generatedBy: `${principal.username} (${principal.displayName})` });
  writeAudit(db, { id: principal.id, username: principal.username }, {
    action: "grading.report.export",
    entityType: "assignment",
    entityId: data.assignment.id,
    courseId: data.courseId,
    message: { key: "reportExport", params: { format: parsed.data.format.toUpperCase(), course: data.nbgraderId, assignment: data.assignment.name, count: data.rows.length } },
  });
  return new Response(typeof body === "string" ? body : Buffer.from(body), {
    headers: {
      "content-type": parsed.data.format === "csv" ? "text/csv; charset=utf-8" : "application/pdf",
      "content-disposition": `${parsed.data.format === "csv" ? "attachment" : "inline"}; filename="${name}${parsed.data.format === "csv" && variant === "excel-de" ? ".excel-de" : ""}.${parsed.data.format}"`,
      "cache-control": "no-store",
    },
  });
});
