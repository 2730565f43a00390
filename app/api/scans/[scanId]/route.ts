import { z } from "zod";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { termOfScan } from "@/lib/grading/access";
import { getScan, scanView } from "@/lib/grading/scans";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

export const dynamic = "force-dynamic";

/** Progress of one scan, polled by the grading overview. */
export const GET = localizedRoute(async function GET(_req: Request, { params }: { params: Promise<{ scanId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const parsed = z.coerce.number().int().positive().safeParse((await params).scanId);
  if (!parsed.success) return Response.json({ error: t("routes.unknownScan") }, { status: 400 });
  const db = getDb();
  const termId = termOfScan(db, parsed.data);
  if (termId === null) return Response.json({ error: t("routes.noScan") }, { status: 404 });
  const refused = authorizeRoute(principal, "grading.view", { termId });
  if (refused) return refused;
  const row = getScan(db, parsed.data)!;
  return Response.json(scanView(row), { headers: { "cache-control": "no-store" } });
});
