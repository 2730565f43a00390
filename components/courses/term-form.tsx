"use client";
import { Plus, Trash2 } from "lucide-react";
import { startTransition, useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Field, FieldError, FormMessage, Input, Select } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { HUBS, type HubName } from "@/lib/constants";
import type { TermMount } from "@/lib/courses/term-mount";
import { normalizeCpu, normalizeMemory } from "@/lib/courses/quantity-parse";
import { useFmt } from "@/lib/i18n/use-fmt";

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

export function TermForm({ action, courseId, termId, initial, submitLabel, courseCode }: { action: Action; courseId: number; termId?: number; initial: TermValues; submitLabel: string; courseCode: string }) {
  const [state, formAction, pending] = useActionState(action, idleState as ActionState<never>);
  const v = state.values;
  const e = state.fieldErrors ?? {};
  const t = useTranslations("term");
  const th = useTranslations("hubs");
  const hubName = (h: HubName) => th(h);
  const f = useFmt();
  const ref = useFocusFirstError(state);
  const [mounts, setMounts] = useState<TermMount[]>(() => (v?.mounts ? safeParse(v.mounts, initial.mounts) : initial.mounts));
  const checkedHubs = new Set<string>(v ? (v.__hubs ?? "").split(",").filter(Boolean) : initial.hubs);
  // Resources in plain words: cores as a number, memory in MB or GB (Kubernetes quantities are accepted too).
  const [res, setRes] = useState(() => ({
    cpuGuarantee: v?.cpuGuarantee ?? f.coresInput(initial.cpuGuarantee),
    cpuLimit: v?.cpuLimit ?? f.coresInput(initial.cpuLimit),
    memGuarantee: v?.memGuarantee ?? f.memory(initial.memGuarantee),
    memLimit: v?.memLimit ?? f.memory(initial.memLimit),
  }));
  const setR = (k: keyof typeof res) => (ev: React.ChangeEvent<HTMLInputElement>) => setRes({ ...res, [k]: ev.currentTarget.value });
  const summary = t("resourcesSummary", {
    cpuG: f.cores(normalizeCpu(res.cpuGuarantee)),
    cpuL: f.cores(normalizeCpu(res.cpuLimit)),
    memG: f.memory(normalizeMemory(res.memGuarantee)),
    memL: f.memory(normalizeMemory(res.memLimit)),
  });
  const mountErrors = Object.entries(e).filter(([k]) => k.startsWith("mounts"));
  const termCode = v?.term ?? initial.term;
  const preview = (p: string) =>
    p.replaceAll("{course}", courseCode).replaceAll("{course_id}", `${courseCode}-${termCode || "TERM"}`).replaceAll("{term}", termCode || "TERM").replaceAll("{username}", "abcde2s");
  return (
    <form
      ref={ref}
      // Submitted without React's reset after an action, so every field keeps what was chosen
      // (the mount kinds included) after an error and after a save.
      onSubmit={(ev) => {
        ev.preventDefault();
        const fd = new FormData(ev.currentTarget);
        fd.set("__hubs", fd.getAll("hubs").join(","));
        startTransition(() => formAction(fd));
      }}
      className="space-y-6"
      noValidate
    >
      <input type="hidden" name="courseId" value={courseId} />
      {termId && <input type="hidden" name="termId" value={termId} />}
      <input type="hidden" name="mounts" value={JSON.stringify(mounts)} />
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label={t("term")} name="term" error={e.term} hint={t("termHint")}>
          <Input name="term" defaultValue={v?.term ?? initial.term} error={e.term} required autoComplete="off" />
        </Field>
        <Field label={t("image")} name="image" error={e.image} className="sm:col-span-2" hint={t("imageHint")}>
          <Input name="image" defaultValue={v?.image ?? initial.image} error={e.image} required spellCheck={false} />
        </Field>
      </div>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">{t("hubs")}</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          {HUBS.map((h) => (
            <label key={h} className="flex cursor-pointer gap-2.5 rounded-md border border-slate-200 bg-white p-3 text-sm has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50">
              <input type="checkbox" name="hubs" value={h} defaultChecked={checkedHubs.has(h)} className="mt-0.5" />
              <span>
                <span className="font-medium text-slate-900">{hubName(h)}</span>
                <span className="block text-xs text-slate-600">{t(`hubInfo.${h}`)}</span>
              </span>
            </label>
          ))}
        </div>
        <FieldError id="hubs-error" error={e.hubs} />
      </fieldset>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">{t("resources")}</legend>
        <div className="grid gap-4 sm:grid-cols-4">
          <Field label={t("cpuGuarantee")} name="cpuGuarantee" error={e.cpuGuarantee}>
            <Input name="cpuGuarantee" value={res.cpuGuarantee} onChange={setR("cpuGuarantee")} error={e.cpuGuarantee} inputMode="decimal" placeholder={f.coresInput("500m")} />
          </Field>
          <Field label={t("cpuLimit")} name="cpuLimit" error={e.cpuLimit}>
            <Input name="cpuLimit" value={res.cpuLimit} onChange={setR("cpuLimit")} error={e.cpuLimit} inputMode="decimal" placeholder="1" />
          </Field>
          <Field label={t("memGuarantee")} name="memGuarantee" error={e.memGuarantee}>
            <Input name="memGuarantee" value={res.memGuarantee} onChange={setR("memGuarantee")} error={e.memGuarantee} placeholder="1 GB" />
          </Field>
          <Field label={t("memLimit")} name="memLimit" error={e.memLimit}>
            <Input name="memLimit" value={res.memLimit} onChange={setR("memLimit")} error={e.memLimit} placeholder="2 GB" />
          </Field>
        </div>
        <p className="mt-2 text-sm text-slate-800" data-testid="resources-summary" aria-live="polite">{summary}</p>
        <p className="mt-1 text-xs text-slate-600">{t("resourcesHint")}</p>
      </fieldset>
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-700">{t("mounts")}</legend>
        <p className="mb-2 text-xs text-slate-600">
          {t("mountsHint")} <code>{"{username}"}</code>, <code>{"{course}"}</code>, <code>{"{course_id}"}</code>, <code>{"{term}"}</code>.
        </p>
        <div className="space-y-2">
          {mounts.map((m, i) => (
            <div key={i} className="grid grid-cols-12 items-start gap-2 rounded-md border border-slate-200 bg-slate-50 p-2">
              <Select aria-label={t("mountKind", { n: i + 1 })} name={`mount-kind-${i}`} className="col-span-12 sm:col-span-2" value={m.kind} onChange={(ev) => setMounts(upd(mounts, i, { kind: ev.target.value as TermMount["kind"] }))}>
                {(["home", "exchange", "shared", "extra"] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`kinds.${k}`)}
                  </option>
                ))}
              </Select>
              <div className="col-span-12 sm:col-span-4">
                <Input aria-label={t("mountSub", { n: i + 1 })} name={`mount-sub-${i}`} value={m.subPath} onChange={(ev) => setMounts(upd(mounts, i, { subPath: ev.target.value }))} spellCheck={false} />
                <p className="mt-0.5 truncate text-[11px] text-slate-600" title={preview(m.subPath)}>{preview(m.subPath)}</p>
              </div>
              <div className="col-span-12 sm:col-span-4">
                <Input aria-label={t("mountPath", { n: i + 1 })} name={`mount-path-${i}`} value={m.mountPath} onChange={(ev) => setMounts(upd(mounts, i, { mountPath: ev.target.value }))} spellCheck={false} />
                <p className="mt-0.5 truncate text-[11px] text-slate-600">{preview(m.mountPath)}</p>
              </div>
              <label className="col-span-8 flex items-center gap-1 pt-2 text-xs text-slate-600 sm:col-span-1">
                <input type="checkbox" checked={m.readOnly} onChange={(ev) => setMounts(upd(mounts, i, { readOnly: ev.target.checked }))} /> {t("readOnly")}
              </label>
              <Button type="button" variant="ghost" className="col-span-4 justify-self-end px-2 sm:col-span-1" aria-label={t("removeMount", { n: i + 1 })} onClick={() => setMounts(mounts.filter((_, j) => j !== i))}>
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
          <Plus className="size-4" aria-hidden /> {t("addMount")}
        </Button>
      </fieldset>
      <div className="flex justify-end">
        <SubmitButton pendingText={t("saving")} busy={pending}>{submitLabel}</SubmitButton>
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
