import { requireRoute } from "@/lib/auth/guard";
import { toYamlBundle } from "@/lib/cluster";
import { getDb } from "@/lib/db/client";
import { renderPortal } from "@/lib/deployment/model";
import { localizedRoute } from "@/lib/i18n/server";
import { t } from "@/lib/i18n/t";

/** Every object the portal renders, as one multi-document YAML file (for kubectl apply --server-side). */
export const GET = localizedRoute(async function GET() {
  const principal = await requireRoute("cluster.view");
  if (principal instanceof Response) return principal;
  try {
    const { render } = renderPortal(getDb());
    return new Response(toYamlBundle(render.objects), {
      headers: {
        "Content-Type": "application/yaml; charset=utf-8",
        "Content-Disposition": 'attachment; filename="e2x-cluster-bundle.yaml"',
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    return Response.json({ error: t("routes.cannotRender", { error: e instanceof Error ? e.message : String(e) }) }, { status: 500 });
  }
});
