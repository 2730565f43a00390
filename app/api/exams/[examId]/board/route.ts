import { z } from "zod";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { readBoard } from "@/lib/exam-day/board";
import { examScope } from "@/lib/exams/exams";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

export const dynamic = "force-dynamic";

/**
 * The room board's data (GET, polled by the board page): seat states from the exam hub's REST API
 * and the exchange. The hub's token stays here; viewers of one exam share a reading of 2 s.
 * Signed in first: a signed-out request learns nothing, not even whether the exam exists.
 */
export const GET = localizedRoute(async function GET(_req: Request, { params }: { params: Promise<{ examId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const parsed = z.coerce.number().int().positive().safeParse((await params).examId);
  if (!parsed.success) return Response.json({ error: t("routes.noExam") }, { status: 404 });
  const db = getDb();
  const scope = examScope(db, parsed.data);
  if (scope.courseId < 0) return Response.json({ error: t("routes.noExam") }, { status: 404 });
  const refused = authorizeRoute(principal, "exam.view", scope);
  if (refused) return refused;
  try {
    const board = await readBoard(db, parsed.data);
    return Response.json(board, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    return Response.json({ error: (e as Error).message }, { status: 500 });
  }
});
