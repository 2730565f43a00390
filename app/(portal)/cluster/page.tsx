import { CheckCircle2, CircleAlert, Download, FolderOutput, History, Server, Upload, XCircle } from "lucide-react";
import Link from "next/link";
import { Suspense } from "react";
import { PlanList } from "@/components/cluster/plan-list";
import { HubAccess } from "@/components/cluster/hub-access";
import { SettingsForm } from "@/components/cluster/settings-form";
import { formatDateTime } from "@/components/format";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader, Stat } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/capabilities";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { hubAccessNotes } from "@/lib/deployment/hub-access";
import { hubNamespaces, renderPortal, type PortalRender } from "@/lib/deployment/model";
import { accessMatrix, targetOverview, type TargetOverview } from "@/lib/deployment/overview";
import { listPushes } from "@/lib/deployment/history";
import { previewPush } from "@/lib/deployment/push";
import { getSettings, settingsToForm } from "@/lib/deployment/settings";
import { CONFIGMAP_LIMIT_BYTES, HUB_NAMES } from "@/lib/render";
import { saveSettingsAction } from "./actions";

export const metadata = { title: "Cluster" };

function bytes(n: number) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

const PROBLEM_TITLE: Record<string, string> = {
  unreachable: "Cluster unreachable",
  tls: "Certificate not trusted",
  unauthorized: "Credentials rejected or expired",
  forbidden: "Forbidden",
  config: "No usable credentials",
};

function TargetCard({ t }: { t: TargetOverview }) {
  if (t.kind === "export") {
    return (
      <Card title="Target" description="No cluster is configured (no KUBECONFIG, not running in a cluster).">
        <div className="flex items-start gap-3">
          <FolderOutput className="mt-0.5 size-5 shrink-0 text-slate-500" aria-hidden />
          <div className="text-sm">
            <p className="font-medium text-slate-900" data-testid="target">
              Export target: <span className="font-mono">{t.location}</span>
            </p>
            <p className="mt-1 text-slate-600">A push writes one YAML file per object there, compares with what is there and deletes what the portal no longer renders. Apply them with <code className="font-mono">kubectl apply --server-side</code>, or set KUBECONFIG to push directly.</p>
          </div>
        </div>
      </Card>
    );
  }
  const ok = t.kind === "cluster" && !t.problem;
  return (
    <Card title="Target" actions={<Badge tone={ok ? "green" : "red"}>{ok ? "Connected" : PROBLEM_TITLE[t.problemKind ?? ""] ?? "Problem"}</Badge>}>
      <div className="flex items-start gap-3 text-sm">
        <Server className="mt-0.5 size-5 shrink-0 text-slate-500" aria-hidden />
        <div className="min-w-0 space-y-1">
          {t.kind === "cluster" && (
            <p className="font-medium text-slate-900" data-testid="target">
              Cluster <span className="font-mono">{t.location}</span>
              {t.status?.version && <span className="text-slate-500"> · Kubernetes {t.status.version}</span>}
            </p>
          )}
          {t.source && <p className="text-slate-600">Credentials: {t.source}{t.status?.user?.username ? ` · the API server knows the portal as ${t.status.user.username}` : ""}</p>}
          {t.problem && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-700 ring-1 ring-red-200">
              {t.problem}
            </p>
          )}
          {t.status?.checkedAt && <p className="text-xs text-slate-500">Checked {formatDateTime(new Date(t.status.checkedAt))}</p>}
        </div>
      </div>
    </Card>
  );
}

async function AccessCard({ namespaces }: { namespaces: string[] }) {
  const t = await targetOverview(namespaces);
  if (t.kind !== "cluster") return null;
  if (!t.access) {
    return (
      <Card title="Access" description="What the portal's credentials may do in the hub namespaces.">
        <p className="text-sm text-slate-600">The access review needs a reachable cluster that accepts the portal&apos;s credentials.</p>
      </Card>
    );
  }
  const m = accessMatrix(t.access);
  return (
    <Card title="Access" description="Asked of the API server (SelfSubjectAccessReview): what a push needs in each hub namespace." actions={<Badge tone={m.denied ? "red" : "green"}>{m.denied ? `${m.denied} denied` : "All allowed"}</Badge>}>
      <Table>
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
            <tr key={`${r.namespace}${r.group}${r.resource}`}>
              <Td className="font-mono text-xs">{r.namespace}</Td>
              <Td className="font-mono text-xs">{r.group ? `${r.resource}.${r.group}` : r.resource}</Td>
              {m.verbs.map((v) => {
                const c = r.cells[v];
                return (
                  <Td key={v} className="text-center">
                    {c?.allowed ? (
                      <CheckCircle2 className="mx-auto size-4 text-emerald-600" aria-label="allowed" />
                    ) : (
                      <span title={c?.error?.message ?? c?.reason ?? "denied"}>
                        <XCircle className="mx-auto size-4 text-red-600" aria-label={`denied${c?.reason ? `: ${c.reason}` : ""}`} />
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

function RenderCard({ r }: { r: PortalRender }) {
  const cms = HUB_NAMES.flatMap((hub) => {
    const s = r.render.stats.profiles[hub];
    return s ? Object.entries(s.bytesByConfigMap).map(([name, size]) => ({ hub, name, size, namespace: r.settings.hubs[hub].namespace })) : [];
  });
  return (
    <Card title="What the portal renders" description={`${r.counts.courses} courses, ${r.counts.terms} active terms, ${r.counts.students.toLocaleString("en")} student and ${r.counts.staff} staff memberships. ${r.render.stats.objects} objects in all.`}>
      <div className="grid gap-3 sm:grid-cols-3">
        {HUB_NAMES.map((hub) => {
          const s = r.render.stats.profiles[hub];
          return <Stat key={hub} label={`${hub} hub`} value={`${(s?.users ?? 0).toLocaleString("en")} users`} hint={`${s?.profiles ?? 0} profiles · ${s?.configMaps ?? 0} ConfigMaps · ${r.settings.hubs[hub].namespace}`} />;
        })}
      </div>
      <h3 className="mt-5 mb-2 text-sm font-semibold text-slate-800">Profile ConfigMaps and the 1 MiB limit</h3>
      <Table>
        <thead>
          <tr>
            <Th>ConfigMap</Th>
            <Th className="text-right">Size</Th>
            <Th className="w-1/3">Of 1 MiB</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {cms.map((c) => {
            const pct = (c.size / CONFIGMAP_LIMIT_BYTES) * 100;
            return (
              <tr key={`${c.namespace}/${c.name}`}>
                <Td className="font-mono text-xs">
                  {c.namespace}/{c.name}
                </Td>
                <Td className="text-right tabular-nums">{bytes(c.size)}</Td>
                <Td>
                  <div className="flex items-center gap-2">
                    <div className="h-2 flex-1 rounded-full bg-slate-100" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} aria-label={`${c.name} uses ${pct.toFixed(1)} % of the limit`}>
                      <div className={`h-2 rounded-full ${pct > 90 ? "bg-red-500" : pct > 75 ? "bg-amber-500" : "bg-brand-500"}`} style={{ width: `${Math.max(pct, 0.5)}%` }} />
                    </div>
                    <span className="w-14 text-right text-xs tabular-nums text-slate-600">{pct < 0.1 ? "<0.1" : pct.toFixed(1)} %</span>
                  </div>
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      {r.warnings.length > 0 && (
        <details className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          <summary className="cursor-pointer">{r.warnings.length} rendering warning{r.warnings.length === 1 ? "" : "s"}</summary>
          <ul className="mt-1 list-disc pl-5 text-xs">
            {r.warnings.slice(0, 50).map((w) => (
              <li key={w}>{w}</li>
            ))}
            {r.warnings.length > 50 && <li>… and {r.warnings.length - 50} more</li>}
          </ul>
        </details>
      )}
    </Card>
  );
}

async function Drift({ canPush }: { canPush: boolean }) {
  const p = await previewPush(getDb());
  if (!p.ok) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
        Could not compare with the target: {p.error}
      </p>
    );
  }
  const s = p.plan.summary;
  const drift = s.create + s.change + s.prune + s.conflict + s.error;
  if (!drift) {
    return (
      <p className="flex items-center gap-2 text-sm text-emerald-800" data-testid="drift">
        <CheckCircle2 className="size-4" aria-hidden /> In sync: all {s.unchanged} objects hold exactly what the portal renders.
      </p>
    );
  }
  return (
    <div className="space-y-3" data-testid="drift">
      <p className="flex items-center gap-2 text-sm text-amber-900">
        <CircleAlert className="size-4" aria-hidden /> {drift} object{drift === 1 ? "" : "s"} differ from what the portal would push ({s.create} missing, {s.change} changed, {s.prune} no longer rendered
        {s.conflict ? `, ${s.conflict} held by another field manager` : ""}
        {s.error ? `, ${s.error} refused` : ""}).
        {canPush && (
          <Link href="/cluster/push" className="font-medium text-brand-700 hover:underline">
            Review and push
          </Link>
        )}
      </p>
      <PlanList items={p.plan.items} hideUnchanged collapsed={drift > 8} />
    </div>
  );
}

export default async function ClusterPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const principal = await requirePage("cluster.view");
  const canPush = can(principal, "cluster.push");
  const sp = await searchParams;
  const db = getDb();
  const stored = getSettings(db);
  let rendered: PortalRender | null = null;
  let renderError: string | null = null;
  try {
    rendered = renderPortal(db);
  } catch (e) {
    renderError = e instanceof Error ? e.message : String(e);
  }
  const namespaces = hubNamespaces(stored.settings);
  const target = await targetOverview(namespaces, { access: false });
  const history = listPushes(db, { page: Number(sp.page) || 1, pageSize: 15 });

  return (
    <>
      <PageHeader
        title="Cluster"
        description="Profile lists, NetworkPolicies and hub configuration for the assignment, exam and grading hubs, rendered from the portal's courses and rosters."
        actions={
          <>
            <ButtonLink variant="secondary" href="/api/cluster/bundle.yaml" prefetch={false}>
              <Download className="size-4" aria-hidden /> All objects (YAML)
            </ButtonLink>
            {canPush && (
              <ButtonLink href="/cluster/push">
                <Upload className="size-4" aria-hidden /> Preview and push
              </ButtonLink>
            )}
          </>
        }
      />
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-2">
          <TargetCard t={target} />
          <Card title="Hub configuration" description="Z2JH values for helm upgrade, one file per hub.">
            <ul className="divide-y divide-slate-100 text-sm">
              {HUB_NAMES.map((h) => (
                <li key={h} className="flex items-center justify-between gap-3 py-2 first:pt-0 last:pb-0">
                  <div className="min-w-0">
                    <div className="font-medium text-slate-800">{h[0].toUpperCase() + h.slice(1)} hub</div>
                    <div className="truncate text-xs text-slate-500">
                      release <span className="font-mono">{stored.settings.hubs[h].releaseName}</span> in <span className="font-mono">{stored.settings.hubs[h].namespace}</span>
                      {stored.settings.hubs[h].host ? ` · ${stored.settings.hubs[h].host}` : ""}
                    </div>
                  </div>
                  <a className="inline-flex shrink-0 items-center gap-1 font-medium text-brand-700 hover:underline" href={`/api/cluster/values/${h}.yaml`}>
                    <Download className="size-4" aria-hidden /> values-{h}.yaml
                  </a>
                </li>
              ))}
            </ul>
            {rendered && <HubAccess notes={hubAccessNotes(rendered)} />}
          </Card>
        </div>

        {target.kind === "cluster" && (
          <Suspense fallback={<Card title="Access"><p className="text-sm text-slate-500">Asking the API server what the portal may do…</p></Card>}>
            <AccessCard namespaces={namespaces} />
          </Suspense>
        )}

        {rendered ? (
          <RenderCard r={rendered} />
        ) : (
          <Card title="What the portal renders">
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200">
              The portal&apos;s data cannot be rendered: {renderError}
            </p>
          </Card>
        )}

        <Card title="Drift" description="The target compared with what the portal would push now (a dry run; nothing is written).">
          {rendered ? (
            <Suspense fallback={<p className="text-sm text-slate-500">Comparing with the target…</p>}>
              <Drift canPush={canPush} />
            </Suspense>
          ) : (
            <p className="text-sm text-slate-500">Nothing to compare until the data renders.</p>
          )}
        </Card>

        <Card
          title="Deployment settings"
          description={stored.saved ? `Last saved ${formatDateTime(stored.updatedAt)}.` : "The E2x defaults apply: nothing has been saved yet."}
          actions={stored.placeholders.length ? <Badge tone="amber">Placeholders</Badge> : undefined}
        >
          {stored.placeholders.length > 0 && (
            <ul className="mb-4 list-disc rounded-md bg-amber-50 py-2 pl-8 pr-3 text-sm text-amber-900 ring-1 ring-amber-200">
              {stored.placeholders.map((p) => (
                <li key={p}>{p} Set the real one before pushing to a cluster.</li>
              ))}
            </ul>
          )}
          <SettingsForm action={saveSettingsAction as never} initial={settingsToForm(stored.settings)} canEdit={canPush} />
        </Card>

        <Card title="Push history" description="Every push, failed or not, with what it wrote.">
          {history.rows.length === 0 ? (
            <EmptyState icon={<History className="size-6" aria-hidden />} title="Nothing pushed yet">
              Preview the changes, then apply them.
            </EmptyState>
          ) : (
            <>
              <Table data-testid="push-history">
                <thead>
                  <tr>
                    <Th>Push</Th>
                    <Th>When</Th>
                    <Th>Who</Th>
                    <Th>Target</Th>
                    <Th>Outcome</Th>
                    <Th className="text-right">Created</Th>
                    <Th className="text-right">Changed</Th>
                    <Th className="text-right">Pruned</Th>
                    <Th className="text-right">Written</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {history.rows.map((p) => (
                    <tr key={p.id}>
                      <Td>
                        <Link href={`/cluster/pushes/${p.id}`} className="font-medium text-brand-700 hover:underline">
                          #{p.id}
                        </Link>
                        {p.retryOf && <span className="ml-1 text-xs text-slate-500">(again #{p.retryOf})</span>}
                      </Td>
                      <Td className="whitespace-nowrap">{formatDateTime(p.startedAt)}</Td>
                      <Td>{p.actorName}</Td>
                      <Td className="max-w-56 truncate" title={p.location}>
                        {p.target === "export" ? "export" : p.location}
                      </Td>
                      <Td>
                        <Badge tone={p.status === "ok" ? "green" : "red"}>{p.status === "ok" ? "ok" : "failed"}</Badge>
                      </Td>
                      <Td className="text-right tabular-nums">{p.planCounts.create}</Td>
                      <Td className="text-right tabular-nums">{p.planCounts.change}</Td>
                      <Td className="text-right tabular-nums">{p.resultCounts.pruned ?? 0}</Td>
                      <Td className="text-right tabular-nums">{p.appliedCount}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <Pagination page={history.page} pages={Math.max(1, Math.ceil(history.total / history.pageSize))} total={history.total} label="pushes" href={(n: number) => `/cluster?page=${n}`} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
