import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit";
import { requireRoute } from "@/lib/auth/guard";
import { getTerm } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { exportE2xCsv, exportFullCsv } from "@/lib/rosters/csv";
import { nbgraderCourseId } from "@/lib/render/model";
import { allStudents } from "@/lib/rosters/roster";

const query = z.object({ termId: z.coerce.number().int().positive(), format: z.enum(["e2x", "full"]).default("e2x") });

/** Roster export: `Username` CSV as the E2x tools read it, or every field. */
export async function GET(req: Request, { params }: { params: Promise<{ termId: string }> }) {
  const parsed = query.safeParse({ termId: (await params).termId, format: new URL(req.url).searchParams.get("format") ?? undefined });
  if (!parsed.success) return Response.json({ error: "Unknown term or format (use format=e2x or format=full)." }, { status: 400 });
  const db = getDb();
  const row = getTerm(db, parsed.data.termId);
  if (!row) return Response.json({ error: "No such term." }, { status: 404 });
  const principal = await requireRoute("roster.view", { courseId: row.course.id });
  if (principal instanceof Response) return principal;
  const list = allStudents(db, parsed.data.termId);
  const courseId = nbgraderCourseId(row.course.code, row.term.term);
  const body = parsed.data.format === "e2x" ? exportE2xCsv(list.map((s) => s.username)) : exportFullCsv(list);
  writeAudit(db, { id: principal.id, username: principal.username }, {
    action: "roster.export",
    entityType: "term",
    entityId: row.term.id,
    courseId: row.course.id,
    summary: `Exported the ${courseId} roster (${parsed.data.format}, ${list.length} students)`,
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${courseId}${parsed.data.format === "full" ? ".full" : ""}.csv"`,
      "cache-control": "no-store",
    },
  });
}
