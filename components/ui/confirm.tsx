"use client";
import { useRef, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { Button } from "./button";

/**
 * A button that asks before a destructive step. `onConfirm` runs only after the person
 * confirms in a modal dialog (Esc or Cancel closes it, focus returns to the button).
 */
export function ConfirmButton({
  children,
  title,
  body,
  confirmLabel,
  onConfirm,
  variant = "danger",
  disabled,
  form,
}: {
  children: ReactNode;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm?: () => void;
  variant?: "danger" | "secondary" | "primary";
  disabled?: boolean;
  /** Submit this form id on confirm instead of calling onConfirm. */
  form?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useTranslations("common");
  return (
    <>
      <Button type="button" variant={variant === "danger" ? "secondary" : variant} disabled={disabled} onClick={() => ref.current?.showModal()} className={variant === "danger" ? "text-red-700" : undefined}>
        {children}
      </Button>
      <dialog ref={ref} className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl" aria-labelledby="confirm-title">
        <div className="p-5">
          <h2 id="confirm-title" className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          <div className="mt-2 text-sm text-slate-600">{body}</div>
        </div>
        <div className="flex justify-end gap-2 border-t border-slate-100 bg-slate-50 px-5 py-3">
          <Button type="button" variant="secondary" onClick={() => ref.current?.close()} autoFocus>
            {t("cancel")}
          </Button>
          <Button
            type={form ? "submit" : "button"}
            form={form}
            variant={variant === "secondary" ? "primary" : variant}
            onClick={() => {
              ref.current?.close();
              onConfirm?.();
            }}
          >
            {confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}
