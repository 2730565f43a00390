"use client";
import { AlertTriangle, FileUp, Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { FieldError, FormMessage } from "@/components/ui/field";
import { idleState, type ActionState } from "@/lib/auth/guard-types";

const MAX = 10 * 1024 * 1024;

interface Preview {
  fileHash: string;
  version: string;
  mode: "merge" | "replace";
  format: string;
  delimiter: string;
  warnings: string[];
  counts: { added: number; removed: number; updated: number; unchanged: number; invalid: number; duplicates: number };
  invalid: { row: number; raw: string; reason: string }[];
  duplicates: { row: number; username: string; firstRow: number }[];
  added: { username: string; name: string; matrikel: string }[];
  removed: { username: string; name: string; matrikel: string }[];
  updated: { username: string; changes: string[] }[];
}
type Action<T> = (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>;

export function RosterImport({ termId, preview, apply }: { termId: number; preview: Action<Preview>; apply: Action<unknown> }) {
  const router = useRouter();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<"merge" | "replace">("merge");
  const [state, setState] = useState<ActionState<Preview>>(idleState as ActionState<Preview>);
  const [pending, start] = useTransition();
  const p = state.status === "ok" ? state.data : undefined;

  function form(extra: Record<string, string> = {}) {
    const fd = new FormData();
    fd.set("termId", String(termId));
    fd.set("mode", mode);
    if (file) fd.set("file", file);
    for (const [k, v] of Object.entries(extra)) fd.set(k, v);
    return fd;
  }

  function choose(f: File | null) {
    setState(idleState as ActionState<Preview>);
    if (f && f.size > MAX) {
      setFile(null);
      setState({ status: "error", message: `${f.name} is ${(f.size / 1024 / 1024).toFixed(1)} MB; files over 10 MB are refused.`, fieldErrors: { file: ["Files over 10 MB are refused. Split the roster or remove unused columns."] } });
      return;
    }
    setFile(f);
  }

  const runPreview = (m = mode) =>
    start(async () => {
      const fd = form();
      fd.set("mode", m);
      setState(await preview(idleState as ActionState<Preview>, fd));
    });

  const runApply = () =>
    start(async () => {
      if (!p) return;
      const res = await apply(idleState as ActionState<unknown>, form({ fileHash: p.fileHash, version: p.version }));
      if (res.status === "ok") {
        toast.success(res.message);
        setFile(null);
        setState(idleState as ActionState<Preview>);
        if (fileRef.current) fileRef.current.value = "";
        router.refresh();
      } else {
        setState({ ...state, status: "error", message: res.message, data: undefined });
      }
    });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <label htmlFor="roster-file" className="mb-1 block text-sm font-medium text-slate-700">CSV file</label>
          <input
            ref={fileRef}
            id="roster-file"
            name="file"
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={(e) => choose(e.target.files?.[0] ?? null)}
            className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-brand-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-brand-700 hover:file:bg-brand-100"
          />
          <FieldError id="file-error" error={state.fieldErrors?.file} />
        </div>
        <fieldset className="flex gap-3 text-sm">
          <legend className="sr-only">Import mode</legend>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="mode" value="merge" checked={mode === "merge"} onChange={() => { setMode("merge"); if (p) runPreview("merge"); }} /> Add and update
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="mode" value="replace" checked={mode === "replace"} onChange={() => { setMode("replace"); if (p) runPreview("replace"); }} /> Replace roster
          </label>
        </fieldset>
        <Button type="button" variant="secondary" disabled={!file || pending} onClick={() => runPreview()}>
          {pending ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <FileUp className="size-4" aria-hidden />} Preview
        </Button>
      </div>
      {state.status === "error" && !state.fieldErrors?.file && <FormMessage state={state} />}
      {p && (
        <div className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4" data-testid="import-preview">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-slate-600">Detected:</span> <Badge tone="blue">{p.format}</Badge>
            <span className="text-slate-500">separator “{p.delimiter}”</span>
          </div>
          {p.warnings.map((w) => (
            <p key={w} className="text-sm text-amber-800">{w}</p>
          ))}
          <dl className="grid grid-cols-3 gap-2 text-center text-sm sm:grid-cols-6">
            {(
              [
                ["added", "Added", "text-emerald-700"],
                ["removed", "Removed", "text-red-700"],
                ["updated", "Updated", "text-brand-700"],
                ["unchanged", "Unchanged", "text-slate-700"],
                ["duplicates", "Duplicates", "text-amber-700"],
                ["invalid", "Invalid", "text-red-700"],
              ] as const
            ).map(([k, label, tone]) => (
              <div key={k} className="rounded-md bg-white px-2 py-2 ring-1 ring-slate-200">
                <dt className="text-xs text-slate-500">{label}</dt>
                <dd className={`text-lg font-semibold tabular-nums ${tone}`} data-testid={`count-${k}`}>{p.counts[k]}</dd>
              </div>
            ))}
          </dl>
          {p.counts.invalid > 0 && (
            <div role="alert" className="rounded-md bg-red-50 p-3 ring-1 ring-red-200">
              <p className="flex items-center gap-2 text-sm font-medium text-red-800">
                <AlertTriangle className="size-4" aria-hidden /> {p.counts.invalid} invalid row{p.counts.invalid === 1 ? "" : "s"}. Fix {p.counts.invalid === 1 ? "it" : "them"} in the file and choose it again; nothing is imported until the file is clean.
              </p>
              <table className="mt-2 w-full text-left text-sm">
                <thead>
                  <tr className="text-xs text-red-900">
                    <th className="py-1 pr-3">Row</th>
                    <th className="py-1 pr-3">Reason</th>
                    <th className="py-1">Content</th>
                  </tr>
                </thead>
                <tbody>
                  {p.invalid.map((r) => (
                    <tr key={r.row} className="align-top text-red-900" data-testid="invalid-row">
                      <td className="py-0.5 pr-3 tabular-nums">{r.row}</td>
                      <td className="py-0.5 pr-3">{r.reason}</td>
                      <td className="py-0.5 font-mono text-xs">{r.raw}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {p.duplicates.length > 0 && (
            <details className="text-sm">
              <summary className="cursor-pointer text-amber-800">{p.counts.duplicates} duplicate row(s), kept once</summary>
              <ul className="mt-1 list-inside list-disc text-slate-700">
                {p.duplicates.map((d) => (
                  <li key={d.row}>Row {d.row}: {d.username} (first on row {d.firstRow})</li>
                ))}
              </ul>
            </details>
          )}
          <ChangeList title="Added" items={p.added.map((a) => `${a.username}${a.name ? ` — ${a.name}` : ""}`)} total={p.counts.added} />
          <ChangeList title="Removed" items={p.removed.map((a) => `${a.username}${a.name ? ` — ${a.name}` : ""}`)} total={p.counts.removed} />
          <ChangeList title="Updated" items={p.updated.map((u) => `${u.username}${u.changes.length ? `: ${u.changes.join(", ")}` : ""}`)} total={p.counts.updated} />
          <div className="flex items-center justify-end gap-3 border-t border-slate-200 pt-3">
            <span className="text-xs text-slate-500">{p.mode === "replace" ? "Students missing from the file will be removed." : "Students missing from the file stay on the roster."}</span>
            <Button type="button" onClick={runApply} disabled={pending || p.counts.invalid > 0 || p.counts.added + p.counts.removed + p.counts.updated === 0}>
              {pending && <Loader2 className="size-4 animate-spin" aria-hidden />} Apply import
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}

function ChangeList({ title, items, total }: { title: string; items: string[]; total: number }) {
  if (total === 0) return null;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-slate-700">
        {title}: {total}
      </summary>
      <ul className="mt-1 max-h-48 overflow-auto rounded bg-white p-2 font-mono text-xs ring-1 ring-slate-200">
        {items.map((i) => (
          <li key={i}>{i}</li>
        ))}
        {total > items.length && <li className="text-slate-500">… and {total - items.length} more</li>}
      </ul>
    </details>
  );
}
