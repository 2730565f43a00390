import { CheckCircle2, XCircle } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { Badge, Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { AccessView } from "@/lib/deployment/views";

export async function AccessCardLoading() {
  const t = await getTranslations("cluster.access");
  return (
    <Card title={t("title")} description={t("description")}>
      <p className="text-sm text-slate-600">{t("asking")}</p>
    </Card>
  );
}

/** What a push needs in each hub namespace, as the API server answered (streamed in). */
export async function AccessCard({ access }: { access: Promise<AccessView> }) {
  const a = await access;
  const m = a.matrix;
  const t = await getTranslations("cluster.access");
  if (!m) {
    return (
      <Card title={t("title")} description={t("description")}>
        <p className="text-sm text-slate-600">{a.problem ?? t("needsCluster")}</p>
      </Card>
    );
  }
  return (
    <Card title={t("title")} description={t("asked", { method: a.method ?? "" })} actions={<Badge tone={m.denied ? "red" : "green"}>{m.denied ? t("denied", { count: m.denied }) : t("allAllowed")}</Badge>}>
      <Table data-testid="access">
        <thead>
          <tr>
            <Th>{t("namespace")}</Th>
            <Th>{t("resource")}</Th>
            {m.verbs.map((v) => (
              <Th key={v} className="text-center">{v}</Th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {m.rows.map((r) => (
            <tr key={`${r.namespace}/${r.resource}/${r.name ?? ""}`}>
              <Td className="font-mono text-xs">{r.namespace}</Td>
              <Td className="font-mono text-xs">
                {r.resource}
                {r.name ? ` “${r.name}” only` : ""}
              </Td>
              {m.verbs.map((v) => {
                const c = r.cells[v];
                return (
                  <Td key={v} className="text-center">
                    {!c ? (
                      <span className="text-slate-500" aria-label={t("notNeeded")}>–</span>
                    ) : c.allowed ? (
                      <CheckCircle2 className="mx-auto size-4 text-emerald-600" aria-label={t("allowed")} />
                    ) : (
                      <span title={c?.why ?? t("deniedOne")}>
                        <XCircle className="mx-auto size-4 text-red-600" aria-label={`${t("deniedOne")}${c?.why ? `: ${c.why}` : ""}`} />
                      </span>
                    )}
                  </Td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
