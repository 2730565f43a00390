"use client";
import { useActionState } from "react";
import { Field, FormMessage, Input, Textarea } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import { HUB_LABELS, HUBS } from "@/lib/constants";

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

export function SettingsForm({ action, initial, canEdit }: { action: Action; initial: Record<string, string>; canEdit: boolean }) {
  const [state, formAction] = useActionState(action, idleState);
  // After an error React resets the form: show what was submitted, not the stored values.
  const v = (k: string) => (state.status === "error" ? state.values?.[k] ?? initial[k] : initial[k]) ?? "";
  const err = (k: string) => state.fieldErrors?.[k];
  const ldapOn = state.status === "error" ? state.values?.ldapEnabled === "on" : initial.ldapEnabled === "on";
  return (
    <form action={formAction} className="space-y-5" aria-label="Deployment settings">
      <fieldset disabled={!canEdit} className="space-y-5">
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">Hubs</caption>
            <thead>
              <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <th scope="col" className="py-1 pr-3">Hub</th>
                <th scope="col" className="py-1 pr-3">Namespace</th>
                <th scope="col" className="py-1 pr-3">Helm release</th>
                <th scope="col" className="py-1 pr-3">Host</th>
                <th scope="col" className="py-1">NodePort</th>
              </tr>
            </thead>
            <tbody>
              {HUBS.map((h) => (
                <tr key={h} className="align-top">
                  <th scope="row" className="py-1.5 pr-3 text-left font-medium text-slate-700">{HUB_LABELS[h]}</th>
                  {(["Namespace", "Release", "Host", "NodePort"] as const).map((f) => (
                    <td key={f} className="py-1.5 pr-3">
                      <label htmlFor={`${h}${f}`} className="sr-only">{`${HUB_LABELS[h]} ${f === "NodePort" ? "NodePort" : f.toLowerCase()}`}</label>
                      <Input name={`${h}${f}`} defaultValue={v(`${h}${f}`)} error={err(`${h}${f}`)} placeholder={f === "Host" ? "optional" : f === "NodePort" ? "30000–32767" : undefined} inputMode={f === "NodePort" ? "numeric" : undefined} spellCheck={false} />
                      {err(`${h}${f}`)?.map((e) => (
                        <p key={e} id={`${h}${f}-error`} className="mt-1 text-xs font-medium text-red-600">{e}</p>
                      ))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="NFS server" name="nfsServer" error={err("nfsServer")}>
            <Input name="nfsServer" defaultValue={v("nfsServer")} error={err("nfsServer")} spellCheck={false} />
          </Field>
          <Field label="NFS base path" name="nfsBasePath" error={err("nfsBasePath")} hint="homes, nbgrader and shares live below it">
            <Input name="nfsBasePath" defaultValue={v("nfsBasePath")} error={err("nfsBasePath")} spellCheck={false} />
          </Field>
        </div>

        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-700">LDAP login (assignment and grading hubs)</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="ldapEnabled" defaultChecked={ldapOn} /> Hubs log in against LDAP
          </label>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="URL" name="ldapUrl" error={err("ldapUrl")}>
              <Input name="ldapUrl" defaultValue={v("ldapUrl")} error={err("ldapUrl")} spellCheck={false} />
            </Field>
            <Field label="Bind DN" name="ldapBindDn" error={err("ldapBindDn")}>
              <Input name="ldapBindDn" defaultValue={v("ldapBindDn")} error={err("ldapBindDn")} spellCheck={false} />
            </Field>
            <Field label="Search base" name="ldapSearchBase" error={err("ldapSearchBase")}>
              <Input name="ldapSearchBase" defaultValue={v("ldapSearchBase")} error={err("ldapSearchBase")} spellCheck={false} />
            </Field>
            <Field label="Search filter" name="ldapSearchFilter" error={err("ldapSearchFilter")} hint="{login} is the login name">
              <Input name="ldapSearchFilter" defaultValue={v("ldapSearchFilter")} error={err("ldapSearchFilter")} spellCheck={false} />
            </Field>
            <Field label="Bind password: Secret name" name="ldapRefName" error={err("ldapRefName")} hint="A Secret in each hub namespace; the portal never sees the password">
              <Input name="ldapRefName" defaultValue={v("ldapRefName")} error={err("ldapRefName")} spellCheck={false} />
            </Field>
            <Field label="Bind password: key in the Secret" name="ldapRefKey" error={err("ldapRefKey")}>
              <Input name="ldapRefKey" defaultValue={v("ldapRefKey")} error={err("ldapRefKey")} spellCheck={false} />
            </Field>
          </div>
        </fieldset>

        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Exam source networks (CIDR, one per line)" name="examCidrs" error={err("examCidrs")} hint="Pool rooms, laptop pool, staff VPN. The load balancer and the exam hub admit only these; each exam admits a student only from their own room's networks. Empty: the exam hub admits no one." className="sm:col-span-2">
            <Textarea name="examCidrs" rows={3} defaultValue={v("examCidrs")} error={err("examCidrs")} spellCheck={false} className="font-mono" />
          </Field>
        </div>

        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-700">Network in front of the hubs</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Proxy service" name="serviceType" error={err("serviceType")} hint="NodePort behind the load-balancer VM (HAProxy), or LoadBalancer where the cluster has one">
              <select id="serviceType" name="serviceType" defaultValue={v("serviceType")} className="block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm">
                <option value="NodePort">NodePort (load-balancer VM)</option>
                <option value="LoadBalancer">LoadBalancer (cloud)</option>
              </select>
            </Field>
            <Field label="Load balancer addresses (one per line)" name="trustedProxies" error={err("trustedProxies")} hint="As the hubs' proxies see it connect (the VM, and the nodes when the NodePort hop rewrites the source). Only these may report a client's address.">
              <Textarea name="trustedProxies" rows={3} defaultValue={v("trustedProxies")} error={err("trustedProxies")} spellCheck={false} className="font-mono" />
            </Field>
            <Field label="Cluster node addresses (one per line)" name="nodeAddresses" error={err("nodeAddresses")} hint="Where HAProxy sends each hub's traffic (its NodePort)">
              <Textarea name="nodeAddresses" rows={3} defaultValue={v("nodeAddresses")} error={err("nodeAddresses")} spellCheck={false} className="font-mono" />
            </Field>
          </div>
        </fieldset>

        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-700">Hubs</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Further hub admins (one per line)" name="extraAdmins" error={err("extraAdmins")} hint="Besides the portal's admin accounts, which are always hub admins">
              <Textarea name="extraAdmins" rows={3} defaultValue={v("extraAdmins")} error={err("extraAdmins")} spellCheck={false} className="font-mono" />
            </Field>
            <Field label="Spawns at once" name="concurrentSpawnLimit" error={err("concurrentSpawnLimit")} hint="Servers starting at the same time before a hub asks users to wait">
              <Input name="concurrentSpawnLimit" inputMode="numeric" defaultValue={v("concurrentSpawnLimit")} error={err("concurrentSpawnLimit")} />
            </Field>
            <Field label="Stop idle servers after (minutes)" name="cullTimeoutMinutes" error={err("cullTimeoutMinutes")} hint="A server without activity for this long is stopped; its files stay">
              <Input name="cullTimeoutMinutes" inputMode="numeric" defaultValue={v("cullTimeoutMinutes")} error={err("cullTimeoutMinutes")} />
            </Field>
            <Field label="Time zone" name="timezone" error={err("timezone")} hint="nbgrader's timestamps in the servers">
              <Input name="timezone" defaultValue={v("timezone")} error={err("timezone")} spellCheck={false} />
            </Field>
          </div>
        </fieldset>
      </fieldset>
      <FormMessage state={state} />
      {canEdit && <SubmitButton pendingText="Saving…">Save settings</SubmitButton>}
    </form>
  );
}
