import { CheckCircle2, XCircle } from "lucide-react";
import { Badge, Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { AccessView } from "@/lib/deployment/views";

const DESCRIPTION = "What the portal's credentials may do in the hub namespaces.";

export function AccessCardLoading() {
  return (
    <Card title="Access" description={DESCRIPTION}>
      <p className="text-sm text-slate-600">Asking the API server what the portal may do…</p>
    </Card>
  );
}

/** What a push needs in each hub namespace, as the API server answered (streamed in). */
export async function AccessCard({ access }: { access: Promise<AccessView> }) {
  const a = await access;
  const m = a.matrix;
  if (!m) {
    return (
      <Card title="Access" description={DESCRIPTION}>
        <p className="text-sm text-slate-600">{a.problem ?? "The access review needs a reachable cluster that accepts the portal's credentials."}</p>
      </Card>
    );
  }
  return (
    <Card title="Access" description={`Asked of the API server (${a.method}): what a push needs in each hub namespace.`} actions={<Badge tone={m.denied ? "red" : "green"}>{m.denied ? `${m.denied} denied` : "All allowed"}</Badge>}>
      <Table data-testid="access">
        <thead>
          <tr>
            <Th>Namespace</Th>
            <Th>Resource</Th>
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
                      <span className="text-slate-300" aria-label="not needed">–</span>
                    ) : c.allowed ? (
                      <CheckCircle2 className="mx-auto size-4 text-emerald-600" aria-label="allowed" />
                    ) : (
                      <span title={c?.why ?? "denied"}>
                        <XCircle className="mx-auto size-4 text-red-600" aria-label={`denied${c?.why ? `: ${c.why}` : ""}`} />
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
