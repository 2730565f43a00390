import { requireRoute } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { buildPortalModel } from "@/lib/deployment/model";
import { renderHaproxyConfig } from "@/lib/render";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

/** The load-balancer VM's HAProxy configuration (exam rooms, X-Forwarded-For, NodePorts), from the deployment settings. */
export const GET = localizedRoute(async function GET() {
  const principal = await requireRoute("cluster.view");
  if (principal instanceof Response) return principal;
  try {
    const { model } = buildPortalModel(getDb());
    return new Response(renderHaproxyConfig(model), {
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Disposition": 'attachment; filename="haproxy.cfg"',
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    return Response.json({ error: t("routes.cannotRender", { error: e instanceof Error ? e.message : String(e) }) }, { status: 500 });
  }
});
