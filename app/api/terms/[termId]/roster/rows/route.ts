import { z } from "zod";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { getTerm } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";
import { listAllStudents, printRow } from "@/lib/rosters/roster";

const query = z.object({
  termId: z.coerce.number().int().positive(),
  q: z.string().max(200).optional(),
  sort: z.enum(["username", "lastName", "matrikel"]).default("username"),
  dir: z.enum(["asc", "desc"]).default("asc"),
});

/**
 * Every row of a roster search in the page's order, as the printed roster shows it: the page
 * renders one page of rows and loads these only when it is printed.
 */
export const GET = localizedRoute(async function GET(req: Request, { params }: { params: Promise<{ termId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const sp = new URL(req.url).searchParams;
  const parsed = query.safeParse({ termId: (await params).termId, q: sp.get("q") ?? undefined, sort: sp.get("sort") ?? undefined, dir: sp.get("dir") ?? undefined });
  if (!parsed.success) return Response.json({ error: t("routes.rosterQuery") }, { status: 400 });
  const db = getDb();
  const row = getTerm(db, parsed.data.termId);
  if (!row) return Response.json({ error: t("routes.noTerm") }, { status: 404 });
  const refused = authorizeRoute(principal, "roster.view", { courseId: row.course.id });
  if (refused) return refused;
  const { termId, ...search } = parsed.data;
  return Response.json({ rows: listAllStudents(db, termId, search).map(printRow) }, { headers: { "cache-control": "no-store" } });
});
