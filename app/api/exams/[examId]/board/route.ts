import { requireRoute } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { readBoard } from "@/lib/exam-day/board";
import { examScope } from "@/lib/exams/exams";

export const dynamic = "force-dynamic";

/**
 * The room board's data (GET, polled by the board page): seat states from the exam hub's REST API
 * and the exchange. The hub's token stays here; viewers of one exam share a reading of 2 s.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ examId: string }> }) {
  const examId = Number((await params).examId);
  if (!Number.isInteger(examId) || examId <= 0) return Response.json({ error: "No such exam." }, { status: 404 });
  const db = getDb();
  const principal = await requireRoute("exam.view", examScope(db, examId));
  if (principal instanceof Response) return principal;
  try {
    const board = await readBoard(db, examId);
    return Response.json(board, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    return Response.json({ error: (e as Error).message }, { status: 500 });
  }
}
