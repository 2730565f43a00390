import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { examScope } from "@/lib/exams/exams";
import { DOCUMENT_KINDS, DOCUMENTS, documentPdf } from "@/lib/exams/issue";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

export const dynamic = "force-dynamic";

const query = z.object({
  kind: z.enum(DOCUMENT_KINDS),
  room: z.coerce.number().int().positive().optional(),
});

/** Attendance lists and seating plans (no passwords): all rooms, or ?room=<id>. */
export const GET = localizedRoute(async function GET(req: Request, { params }: { params: Promise<{ examId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const examId = Number((await params).examId);
  if (!Number.isInteger(examId) || examId <= 0) return Response.json({ error: t("routes.noExam") }, { status: 404 });
  const sp = new URL(req.url).searchParams;
  const parsed = query.safeParse({ kind: sp.get("kind"), room: sp.get("room") || undefined });
  if (!parsed.success) return Response.json({ error: t("routes.documentKind") }, { status: 400 });
  const db = getDb();
  const scope = examScope(db, examId);
  if (scope.courseId < 0) return Response.json({ error: t("routes.noExam") }, { status: 404 });
  const refused = authorizeRoute(principal, "exam.view", scope);
  if (refused) return refused;
  const doc = await documentPdf(db, examId, parsed.data.kind, parsed.data.room);
  if (!doc) return Response.json({ error: t("routes.noExamOrRoom") }, { status: 404 });
  writeAudit(db, { id: principal.id, username: principal.username }, {
    action: DOCUMENTS[parsed.data.kind].action,
    entityType: "exam",
    entityId: examId,
    courseId: doc.detail.course.id,
    message: { key: "documentDownload", params: { kind: parsed.data.kind, exam: `${doc.detail.course.code} ${doc.detail.term.term} ${doc.detail.exam.period}`, rooms: doc.rooms } },
  });
  return new Response(Buffer.from(doc.pdf), {
    headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="${doc.filename}"`, "cache-control": "no-store" },
  });
});
