import { requireRoute } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { recordValuesVersions } from "@/lib/deployment/hub-drift";
import { renderPortal } from "@/lib/deployment/model";
import { HUBS, type HubName } from "@/lib/constants";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

/** Z2JH values of one hub: GET /api/cluster/values/<hub>.yaml */
export const GET = localizedRoute(async function GET(_req: Request, { params }: { params: Promise<{ hub: string }> }) {
  const principal = await requireRoute("cluster.view");
  if (principal instanceof Response) return principal;
  const hub = (await params).hub.replace(/\.ya?ml$/, "");
  if (!(HUBS as readonly string[]).includes(hub)) return Response.json({ error: t("routes.noHub", { hub, hubs: HUBS.join(", ") }) }, { status: 404 });
  try {
    const db = getDb();
    const { render } = renderPortal(db);
    // what is downloaded may be installed: remember it, so the drift check knows it by its digest
    recordValuesVersions(db, render.values);
    const yaml = render.valuesYaml[hub as HubName];
    if (!yaml) return Response.json({ error: t("routes.noValues", { hub }) }, { status: 404 });
    return new Response(yaml, {
      headers: {
        "Content-Type": "application/yaml; charset=utf-8",
        "Content-Disposition": `attachment; filename="values-${hub}.yaml"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    return Response.json({ error: t("routes.cannotRender", { error: e instanceof Error ? e.message : String(e) }) }, { status: 500 });
  }
});
