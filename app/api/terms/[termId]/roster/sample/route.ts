import { z } from "zod";
import { authenticateRoute, authorizeRoute } from "@/lib/auth/guard";
import { getTerm } from "@/lib/courses/courses";
import { getDb } from "@/lib/db/client";
import { attachmentHeader, CSV_DIALECTS, csvDialectOf } from "@/lib/csv/write";
import { sampleRosterCsv } from "@/lib/rosters/csv";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

const query = z.object({ termId: z.coerce.number().int().positive(), variant: z.enum(CSV_DIALECTS).optional() });

/** A sample roster file (made-up students) in the portal layout; it holds no data of the term. */
export const GET = localizedRoute(async function GET(req: Request, { params }: { params: Promise<{ termId: string }> }) {
  const principal = await authenticateRoute();
  if (principal instanceof Response) return principal;
  const parsed = query.safeParse({ termId: (await params).termId, variant: new URL(req.url).searchParams.get("variant") ?? undefined });
  if (!parsed.success) return Response.json({ error: t("routes.sampleQuery") }, { status: 400 });
  const row = getTerm(getDb(), parsed.data.termId);
  if (!row) return Response.json({ error: t("routes.noTerm") }, { status: 404 });
  const refused = authorizeRoute(principal, "roster.view", { courseId: row.course.id });
  if (refused) return refused;
  const variant = csvDialectOf(parsed.data.variant);
  return new Response(sampleRosterCsv({ dialect: variant }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": attachmentHeader(`roster-sample${variant === "excel-de" ? ".excel-de" : ""}.csv`),
      "cache-control": "no-store",
    },
  });
});
