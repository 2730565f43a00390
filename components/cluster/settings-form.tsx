"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Field, FormMessage, Input, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { HUBS } from "@/lib/constants";
import { TableScroll } from "@/components/ui/table";

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

export function SettingsForm({ action, initial, canEdit }: { action: Action; initial: Record<string, string>; canEdit: boolean }) {
  const [state, formAction] = useActionState(action, idleState);
  const t = useTranslations("settingsForm");
  const tc = useTranslations("cluster");
  // After an error React resets the form: show what was submitted, not the stored values.
  const v = (k: string) => (state.status === "error" ? state.values?.[k] ?? initial[k] : initial[k]) ?? "";
  const err = (k: string) => state.fieldErrors?.[k];
  const ldapOn = state.status === "error" ? state.values?.ldapEnabled === "on" : initial.ldapEnabled === "on";
  return (
    <form action={formAction} className="space-y-5" aria-label={t("aria")}>
      <fieldset disabled={!canEdit} className="space-y-5">
        <TableScroll>
          <table className="w-full text-sm">
            <caption className="sr-only">{t("hubs")}</caption>
            <thead>
              <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <th scope="col" className="py-1 pr-3">{t("hub")}</th>
                <th scope="col" className="py-1 pr-3">{t("namespace")}</th>
                <th scope="col" className="py-1 pr-3">{t("release")}</th>
                <th scope="col" className="py-1 pr-3">{t("host")}</th>
                <th scope="col" className="py-1">{t("nodePort")}</th>
              </tr>
            </thead>
            <tbody>
              {HUBS.map((h) => (
                <tr key={h} className="align-top">
                  <th scope="row" className="py-1.5 pr-3 text-left font-medium text-slate-700">{tc(`hubLabel.${h}`)}</th>
                  {(["Namespace", "Release", "Host", "NodePort"] as const).map((f) => (
                    <td key={f} className="py-1.5 pr-3">
                      <label htmlFor={`${h}${f}`} className="sr-only">{t(`fieldLabel.${f}`, { hub: tc(`hubLabel.${h}`) })}</label>
                      <Input name={`${h}${f}`} defaultValue={v(`${h}${f}`)} error={err(`${h}${f}`)} placeholder={f === "Host" ? t("optional") : f === "NodePort" ? "30000–32767" : undefined} inputMode={f === "NodePort" ? "numeric" : undefined} spellCheck={false} />
                      {err(`${h}${f}`)?.map((e) => (
                        <p key={e} id={`${h}${f}-error`} className="mt-1 text-xs font-medium text-red-600">{e}</p>
                      ))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>

        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("nfsServer")} name="nfsServer" error={err("nfsServer")}>
            <Input name="nfsServer" defaultValue={v("nfsServer")} error={err("nfsServer")} spellCheck={false} />
          </Field>
          <Field label={t("nfsBasePath")} name="nfsBasePath" error={err("nfsBasePath")} hint={t("nfsBasePathHint")}>
            <Input name="nfsBasePath" defaultValue={v("nfsBasePath")} error={err("nfsBasePath")} spellCheck={false} />
          </Field>
        </div>

        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-700">{t("ldap")}</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="ldapEnabled" defaultChecked={ldapOn} /> {t("ldapEnabled")}
          </label>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("ldapUrl")} name="ldapUrl" error={err("ldapUrl")}>
              <Input name="ldapUrl" defaultValue={v("ldapUrl")} error={err("ldapUrl")} spellCheck={false} />
            </Field>
            <Field label={t("bindDn")} name="ldapBindDn" error={err("ldapBindDn")}>
              <Input name="ldapBindDn" defaultValue={v("ldapBindDn")} error={err("ldapBindDn")} spellCheck={false} />
            </Field>
            <Field label={t("searchBase")} name="ldapSearchBase" error={err("ldapSearchBase")}>
              <Input name="ldapSearchBase" defaultValue={v("ldapSearchBase")} error={err("ldapSearchBase")} spellCheck={false} />
            </Field>
            <Field label={t("searchFilter")} name="ldapSearchFilter" error={err("ldapSearchFilter")} hint={t("searchFilterHint", { login: "{login}" })}>
              <Input name="ldapSearchFilter" defaultValue={v("ldapSearchFilter")} error={err("ldapSearchFilter")} spellCheck={false} />
            </Field>
            <Field label={t("refName")} name="ldapRefName" error={err("ldapRefName")} hint={t("refNameHint")}>
              <Input name="ldapRefName" defaultValue={v("ldapRefName")} error={err("ldapRefName")} spellCheck={false} />
            </Field>
            <Field label={t("refKey")} name="ldapRefKey" error={err("ldapRefKey")}>
              <Input name="ldapRefKey" defaultValue={v("ldapRefKey")} error={err("ldapRefKey")} spellCheck={false} />
            </Field>
          </div>
        </fieldset>

        <div className="grid gap-4 sm:grid-cols-3">
          <Field label={t("examCidrs")} name="examCidrs" error={err("examCidrs")} hint={t("examCidrsHint")} className="sm:col-span-2">
            <Textarea name="examCidrs" rows={3} defaultValue={v("examCidrs")} error={err("examCidrs")} spellCheck={false} className="font-mono" />
          </Field>
        </div>

        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-700">{t("network")}</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label={t("serviceType")} name="serviceType" error={err("serviceType")} hint={t("serviceTypeHint")}>
              <select id="serviceType" name="serviceType" defaultValue={v("serviceType")} className="block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm">
                <option value="NodePort">{t("nodePortOption")}</option>
                <option value="LoadBalancer">{t("lbOption")}</option>
              </select>
            </Field>
            <Field label={t("trustedProxies")} name="trustedProxies" error={err("trustedProxies")} hint={t("trustedProxiesHint")}>
              <Textarea name="trustedProxies" rows={3} defaultValue={v("trustedProxies")} error={err("trustedProxies")} spellCheck={false} className="font-mono" />
            </Field>
            <Field label={t("nodeAddresses")} name="nodeAddresses" error={err("nodeAddresses")} hint={t("nodeAddressesHint")}>
              <Textarea name="nodeAddresses" rows={3} defaultValue={v("nodeAddresses")} error={err("nodeAddresses")} spellCheck={false} className="font-mono" />
            </Field>
          </div>
        </fieldset>

        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-700">{t("hubsLegend")}</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label={t("extraAdmins")} name="extraAdmins" error={err("extraAdmins")} hint={t("extraAdminsHint")}>
              <Textarea name="extraAdmins" rows={3} defaultValue={v("extraAdmins")} error={err("extraAdmins")} spellCheck={false} className="font-mono" />
            </Field>
            <Field label={t("spawnLimit")} name="concurrentSpawnLimit" error={err("concurrentSpawnLimit")} hint={t("spawnLimitHint")}>
              <Input name="concurrentSpawnLimit" inputMode="numeric" defaultValue={v("concurrentSpawnLimit")} error={err("concurrentSpawnLimit")} />
            </Field>
            <Field label={t("cullTimeout")} name="cullTimeoutMinutes" error={err("cullTimeoutMinutes")} hint={t("cullTimeoutHint")}>
              <Input name="cullTimeoutMinutes" inputMode="numeric" defaultValue={v("cullTimeoutMinutes")} error={err("cullTimeoutMinutes")} />
            </Field>
            <Field label={t("timezone")} name="timezone" error={err("timezone")} hint={t("timezoneHint")}>
              <Input name="timezone" defaultValue={v("timezone")} error={err("timezone")} spellCheck={false} />
            </Field>
          </div>
        </fieldset>
      </fieldset>
      <FormMessage state={state} />
      {canEdit && <SubmitButton pendingText={t("saving")}>{t("save")}</SubmitButton>}
    </form>
  );
}
