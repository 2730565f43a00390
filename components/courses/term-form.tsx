"use client";
import { Plus, Trash2 } from "lucide-react";
import { useActionState, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FieldError, FormMessage, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { HUBS, type HubName } from "@/lib/constants";
import type { TermMount } from "@/lib/courses/term-mount";

type Action = (prev: ActionState<never>, form: FormData) => Promise<ActionState<never>>;

export interface TermValues {
  term: string;
  hubs: HubName[];
  image: string;
  cpuGuarantee: string;
  cpuLimit: string;
  memGuarantee: string;
  memLimit: string;
  mounts: TermMount[];
}

const HUB_INFO: Record<HubName, string> = {
  assignment: "Teaching hub: weekly assignments, LDAP login",
  exam: "Exam hub: one-time passwords, locked-down network",
  grading: "Grading hub: graders only",
};

export function TermForm({ action, courseId, termId, initial, submitLabel, courseCode }: { action: Action; courseId: number; termId?: number; initial: TermValues; submitLabel: string; courseCode: string }) {
  const [state, formAction] = useActionState(action, idleState as ActionState<never>);
  const v = state.values;
  const e = state.fieldErrors ?? {};
  const [mounts, setMounts] = useState<TermMount[]>(() => (v?.mounts ? safeParse(v.mounts, initial.mounts) : initial.mounts));
  const checkedHubs = new Set<string>(v ? (v.__hubs ?? "").split(",").filter(Boolean) : initial.hubs);
  // React resets a form after its action; remounting the controlled rows restores their values.
  const epochKey = useMemo(() => String(Math.random()), [state]);
  const mountErrors = Object.entries(e).filter(([k]) => k.startsWith("mounts"));
  const termCode = v?.term ?? initial.term;
  const preview = (p: string) =>
    p.replaceAll("{course}", courseCode).replaceAll("{course_id}", `${courseCode}-${termCode || "TERM"}`).replaceAll("{term}", termCode || "TERM").replaceAll("{username}", "abcde2s");
  return (
    <form
      action={(fd) => {
        fd.set("__hubs", fd.getAll("hubs").join(","));
        return formAction(fd);
      }}
      className="space-y-6"
      noValidate
    >
      <input type="hidden" name="courseId" value={courseId} />
      {termId && <input type="hidden" name="termId" value={termId} />}
      <input type="hidden" name="mounts" value={JSON.stringify(mounts)} />
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Term" name="term" error={e.term} hint="WS25, SS26 …">
          <Input name="term" defaultValue={v?.term ?? initial.term} error={e.term} required autoComplete="off" />
        </Field>
        <Field label="Notebook image" name="image" error={e.image} className="sm:col-span-2" hint="Pin a tag or digest.">
          <Input name="image" defaultValue={v?.image ?? initial.image} error={e.image} required spellCheck={false} />
        </Field>
      </div>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Hubs</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          {HUBS.map((h) => (
            <label key={h} className="flex cursor-pointer gap-2.5 rounded-md border border-slate-200 bg-white p-3 text-sm has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50">
              <input type="checkbox" name="hubs" value={h} defaultChecked={checkedHubs.has(h)} className="mt-0.5" />
              <span>
                <span className="font-medium capitalize text-slate-900">{h}</span>
                <span className="block text-xs text-slate-600">{HUB_INFO[h]}</span>
              </span>
            </label>
          ))}
        </div>
        <FieldError id="hubs-error" error={e.hubs} />
      </fieldset>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Resources per student server</legend>
        <div className="grid gap-4 sm:grid-cols-4">
          <Field label="CPU guarantee" name="cpuGuarantee" error={e.cpuGuarantee}>
            <Input name="cpuGuarantee" defaultValue={v?.cpuGuarantee ?? initial.cpuGuarantee} error={e.cpuGuarantee} placeholder="500m" />
          </Field>
          <Field label="CPU limit" name="cpuLimit" error={e.cpuLimit}>
            <Input name="cpuLimit" defaultValue={v?.cpuLimit ?? initial.cpuLimit} error={e.cpuLimit} placeholder="1" />
          </Field>
          <Field label="Memory guarantee" name="memGuarantee" error={e.memGuarantee}>
            <Input name="memGuarantee" defaultValue={v?.memGuarantee ?? initial.memGuarantee} error={e.memGuarantee} placeholder="1Gi" />
          </Field>
          <Field label="Memory limit" name="memLimit" error={e.memLimit}>
            <Input name="memLimit" defaultValue={v?.memLimit ?? initial.memLimit} error={e.memLimit} placeholder="2Gi" />
          </Field>
        </div>
        <p className="mt-1 text-xs text-slate-600">Exams should use guarantee = limit, so every student gets the same machine.</p>
      </fieldset>
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-700">Volume mounts</legend>
        <p className="mb-2 text-xs text-slate-600">
          Paths on the NFS export. Placeholders: <code>{"{username}"}</code>, <code>{"{course}"}</code>, <code>{"{course_id}"}</code>, <code>{"{term}"}</code>.
        </p>
        <div className="space-y-2">
          {mounts.map((m, i) => (
            <div key={`${epochKey}-${i}`} className="grid grid-cols-12 items-start gap-2 rounded-md border border-slate-200 bg-slate-50 p-2">
              <Select aria-label={`Mount ${i + 1} kind`} name={`mount-kind-${i}`} className="col-span-2" value={m.kind} onChange={(ev) => setMounts(upd(mounts, i, { kind: ev.target.value as TermMount["kind"] }))}>
                <option value="home">home</option>
                <option value="exchange">exchange</option>
                <option value="shared">shared</option>
                <option value="extra">extra</option>
              </Select>
              <div className="col-span-4">
                <Input aria-label={`Mount ${i + 1} NFS path`} name={`mount-sub-${i}`} value={m.subPath} onChange={(ev) => setMounts(upd(mounts, i, { subPath: ev.target.value }))} spellCheck={false} />
                <p className="mt-0.5 truncate text-[11px] text-slate-600" title={preview(m.subPath)}>{preview(m.subPath)}</p>
              </div>
              <div className="col-span-4">
                <Input aria-label={`Mount ${i + 1} path in the notebook`} name={`mount-path-${i}`} value={m.mountPath} onChange={(ev) => setMounts(upd(mounts, i, { mountPath: ev.target.value }))} spellCheck={false} />
                <p className="mt-0.5 truncate text-[11px] text-slate-600">{preview(m.mountPath)}</p>
              </div>
              <label className="col-span-1 flex items-center gap-1 pt-2 text-xs text-slate-600">
                <input type="checkbox" checked={m.readOnly} onChange={(ev) => setMounts(upd(mounts, i, { readOnly: ev.target.checked }))} /> read-only
              </label>
              <Button type="button" variant="ghost" className="col-span-1 px-2" aria-label={`Remove mount ${i + 1}`} onClick={() => setMounts(mounts.filter((_, j) => j !== i))}>
                <Trash2 className="size-4" aria-hidden />
              </Button>
              <div className="col-span-12">
                <FieldError error={[...(e[`mounts.${i}.subPath`] ?? []), ...(e[`mounts.${i}.mountPath`] ?? [])]} />
              </div>
            </div>
          ))}
        </div>
        <FieldError error={mountErrors.filter(([k]) => k === "mounts").flatMap(([, v]) => v ?? [])} />
        <Button type="button" variant="secondary" className="mt-2" onClick={() => setMounts([...mounts, { kind: "shared", subPath: "shares/teaching/courses/{course}/", mountPath: "/srv/shares/{course}/", readOnly: true }])}>
          <Plus className="size-4" aria-hidden /> Add mount
        </Button>
      </fieldset>
      <div className="flex justify-end">
        <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}

function upd(list: TermMount[], i: number, patch: Partial<TermMount>) {
  return list.map((m, j) => (j === i ? { ...m, ...patch } : m));
}

function safeParse(s: string, fallback: TermMount[]): TermMount[] {
  try {
    return JSON.parse(s) as TermMount[];
  } catch {
    return fallback;
  }
}
