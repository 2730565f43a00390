import { z } from "zod";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { courseIdOfTerm } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { lookupTermHashcode } from "@/lib/grading/submissions";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

export const dynamic = "force-dynamic";

const query = z.object({
  termId: z.coerce.number().int().positive(),
  code: z.string().max(200),
  assignment: z.string().max(200).optional(),
});

/** "Type the code from the sheet": verified / recorded only / files only / no match (with near misses). */
export const GET = localizedRoute(async function GET(req: Request, { params }: { params: Promise<{ termId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const sp = new URL(req.url).searchParams;
  const parsed = query.safeParse({ termId: (await params).termId, code: sp.get("code") ?? "", assignment: sp.get("assignment") || undefined });
  if (!parsed.success) return Response.json({ error: t("routes.hashcodeQuery") }, { status: 400 });
  const db = getDb();
  if (courseIdOfTerm(db, parsed.data.termId) === undefined) return Response.json({ error: t("routes.noTerm") }, { status: 404 });
  const refused = authorizeRoute(principal, "grading.view", { termId: parsed.data.termId });
  if (refused) return refused;
  return Response.json(lookupTermHashcode(db, parsed.data.termId, parsed.data.code, { assignment: parsed.data.assignment }), { headers: { "cache-control": "no-store" } });
});
