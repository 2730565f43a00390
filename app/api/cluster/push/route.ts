import { revalidatePath } from "next/cache";
import { z } from "zod";
import { issuesToFieldErrors, requireRoute } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { PUSH_STREAM_TYPE, pushStream } from "@/lib/deployment/push-stream";
import { localizedRoute } from "@/lib/i18n/server";
import { msg, t } from "@/lib/i18n/t";

export const dynamic = "force-dynamic";

const body = z.object({
  fingerprint: z.string().min(8, msg("pushErrors.previewFirst")),
  forceConflicts: z.boolean().default(false),
  prune: z.boolean().default(true),
  /** Restart the exam hub although an exam is open (the page asks twice). */
  forceExamRestart: z.boolean().default(false),
  retryOf: z.number().int().positive().nullish(),
});

/**
 * Applies the previewed plan (if it is still the plan now) and streams the progress, object by
 * object, as NDJSON; the outcome is stored with an audit entry, failed or not.
 */
export const POST = localizedRoute(async function POST(req: Request) {
  // A JSON body from this portal's own pages only: no other site can send one here.
  const origin = req.headers.get("origin");
  if (!req.headers.get("content-type")?.startsWith("application/json") || (origin && new URL(origin).host !== req.headers.get("host"))) {
    return Response.json({ error: t("routes.pushFromPage") }, { status: 403 });
  }
  const principal = await requireRoute("cluster.push");
  if (principal instanceof Response) return principal;
  const parsed = body.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: t("routes.previewFirst"), fieldErrors: issuesToFieldErrors(parsed.error) }, { status: 400 });
  const { fingerprint, forceConflicts, prune, forceExamRestart, retryOf } = parsed.data;
  const stream = pushStream(
    getDb(),
    { id: principal.id, username: principal.username },
    { forceConflicts, prune, forceExamRestart, retryOf: retryOf ?? null, expectedFingerprint: fingerprint },
    {},
    () => revalidatePath("/cluster"),
  );
  return new Response(stream, { headers: { "content-type": PUSH_STREAM_TYPE, "cache-control": "no-store, no-transform", "x-accel-buffering": "no" } });
});
