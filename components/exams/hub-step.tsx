"use client";
import { Loader2 } from "lucide-react";
import { useActionState, useRef, useState, useTransition, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FormMessage } from "@/components/ui/field";
import { idleState, type ActionState } from "@/lib/auth/guard-types";
import type { ExamPushPreviewView } from "@/lib/deployment/views";

import type { Action } from "./action-form";

const ACTIONS = ["create", "change", "unchanged", "prune", "conflict", "error"] as const;
const KINDS = ["Secret", "ConfigMap", "NetworkPolicy", "Role", "RoleBinding"] as const;

/** A HubStepButton with its own outcome message (for steps whose button stays on the page). */
export function HubStep(props: Omit<Parameters<typeof HubStepButton>[0], "formAction" | "pending"> & { apply: Action }) {
  const { apply, ...rest } = props;
  const [state, formAction, pending] = useActionState(apply, idleState as ActionState<never>);
  return (
    <div className="space-y-2">
      <FormMessage state={state} />
      <HubStepButton {...rest} formAction={formAction} pending={pending} />
    </div>
  );
}

/**
 * A step that changes the exam hub (open, close, unlock, push): the button opens a dialog that
 * first asks for the dry run of its push and shows what it changes on the hub; confirming
 * applies exactly that (the preview's fingerprint goes with the form), and only then is the
 * step recorded. The caller keeps the outcome (the button may go away with the step done).
 */
export function HubStepButton({
  children,
  title,
  confirmLabel,
  effects,
  attention,
  fields,
  preview,
  formAction,
  pending,
  variant = "primary",
  disabled,
  testId,
}: {
  children: ReactNode;
  title: string;
  confirmLabel: string;
  /** What the step does, in words (known before any dry run). */
  effects?: string[];
  /** What to look at before confirming (open points of the pre-flight check), with where to see them. */
  attention?: { text: string; items: string[]; href: string; linkLabel: string };
  /** The form fields of the step (examId, step, revision ...). */
  fields: Record<string, string | number>;
  preview: Action<ExamPushPreviewView>;
  formAction: (form: FormData) => void;
  pending: boolean;
  variant?: "primary" | "secondary" | "danger";
  disabled?: boolean;
  testId?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [view, setView] = useState<ExamPushPreviewView | null>(null);
  const [loading, startPreview] = useTransition();
  const t = useTranslations("hubStep");
  const actionWord = (a: string) => ((ACTIONS as readonly string[]).includes(a) ? t(`action.${a as (typeof ACTIONS)[number]}`) : a);
  const kindWord = (k: string) => ((KINDS as readonly string[]).includes(k) ? t(`kind.${k as (typeof KINDS)[number]}`) : k);

  const open = () => {
    setView(null);
    dialog.current?.showModal();
    startPreview(async () => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, String(v));
      const r = await preview(idleState as ActionState<ExamPushPreviewView>, form);
      setView(r.data ?? { ok: false, error: r.message ?? t("previewFailed") });
    });
  };

  const items = view?.ok ? [...view.plan.items].sort((a, b) => Number(a.action === "unchanged") - Number(b.action === "unchanged") || a.kind.localeCompare(b.kind)) : [];
  return (
    <div data-testid={testId}>
      <Button type="button" variant={variant === "danger" ? "secondary" : variant} className={variant === "danger" ? "text-red-700" : undefined} disabled={disabled || pending} onClick={open}>
        {pending && <Loader2 className="size-4 animate-spin" aria-hidden />}
        {children}
      </Button>
      <dialog ref={dialog} className="m-auto w-full max-w-xl rounded-lg p-0 shadow-xl" aria-labelledby={`${testId ?? "hub-step"}-title`}>
        <form action={formAction} onSubmit={() => dialog.current?.close()}>
          {Object.entries(fields).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <input type="hidden" name="fingerprint" value={view?.ok ? view.fingerprint : ""} />
          <div className="max-h-[70vh] space-y-4 overflow-y-auto p-5 text-sm text-slate-600">
            <h2 id={`${testId ?? "hub-step"}-title`} className="text-base font-semibold text-slate-900">
              {title}
            </h2>
            {attention && (
              <div className="rounded-md bg-amber-50 px-3 py-2 text-amber-900 ring-1 ring-amber-200" data-testid="step-attention">
                <p className="font-medium">{attention.text}</p>
                <ul className="mt-1 list-disc pl-5">
                  {attention.items.map((i) => (
                    <li key={i}>{i}</li>
                  ))}
                </ul>
                <a href={attention.href} className="mt-1 inline-block font-medium underline">
                  {attention.linkLabel}
                </a>
              </div>
            )}
            {effects && effects.length > 0 && (
              <div>
                <p className="font-medium text-slate-800">{t("thisStep")}</p>
                <ul className="mt-1 list-disc space-y-1 pl-5">
                  {effects.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </div>
            )}
            <div aria-live="polite" data-testid="hub-preview-result">
              {loading || !view ? (
                <p className="flex items-center gap-2 text-slate-700">
                  <Loader2 className="size-4 animate-spin" aria-hidden /> {t("asking")}
                </p>
              ) : view.ok ? (
                <div className="space-y-3">
                  <div>
                    <p className="font-medium text-slate-800">{t(view.plan.target === "cluster" ? "onHubCluster" : "onHubExport", { location: view.plan.location, namespace: view.namespace })}</p>
                    <ul className="mt-1 list-disc space-y-1 pl-5" data-testid="hub-changes">
                      {view.hubChanges.map((c) => (
                        <li key={c}>{c}</li>
                      ))}
                    </ul>
                  </div>
                  {/* the objects are the administrators' detail: folded, open when one of them failed */}
                  <details className="rounded-md ring-1 ring-slate-200" open={items.some((it) => it.action === "error" || it.action === "conflict")}>
                    <summary className="cursor-pointer px-3 py-1.5 text-xs font-medium text-slate-700">{t("objects", { count: items.length })}</summary>
                    <div className="px-3 pb-2">
                      <table className="w-full text-left text-xs" data-testid="hub-objects">
                        <thead className="text-slate-600">
                          <tr>
                            <th className="py-1 font-medium">{t("object")}</th>
                            <th className="py-1 font-medium">{t("name")}</th>
                            <th className="py-1 text-right font-medium">{t("push")}</th>
                          </tr>
                        </thead>
                        <tbody className="divide-y divide-slate-100">
                          {items.map((it) => (
                            <tr key={it.key}>
                              <td className="py-1 pr-2">{kindWord(it.kind)}</td>
                              <td className="py-1 pr-2 font-mono">{it.name}</td>
                              <td className={cn("py-1 text-right", it.action === "unchanged" ? "text-slate-500" : it.action === "error" || it.action === "conflict" ? "text-red-700" : "text-slate-800")}>{actionWord(it.action)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </details>
                  <p className="text-xs text-slate-600">{t("recordedOnce")}</p>
                </div>
              ) : (
                <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-700 ring-1 ring-red-200">
                  {view.error}
                </p>
              )}
            </div>
          </div>
          <div className="flex justify-end gap-2 border-t border-slate-100 bg-slate-50 px-5 py-3">
            <Button type="button" variant="secondary" onClick={() => dialog.current?.close()} autoFocus>
              {t("cancel")}
            </Button>
            <Button type="submit" variant={variant === "secondary" ? "primary" : variant} disabled={!view?.ok || loading}>
              {confirmLabel}
            </Button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
