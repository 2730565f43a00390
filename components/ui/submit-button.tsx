"use client";
import { Loader2 } from "lucide-react";
import { useFormStatus } from "react-dom";
import { Button } from "./button";
import type { ComponentProps } from "react";

/**
 * `busy` is for forms submitted from onSubmit (no form action, so no form status).
 *
 * While the form is sent the button is aria-disabled, not disabled: a disabled button drops the
 * keyboard focus to the page's start, so after saving a keyboard user would begin again at the
 * top. Its clicks (and Enter in a field, which clicks it) are cancelled meanwhile, so nothing is
 * sent twice.
 */
export function SubmitButton({ children, pendingText, busy, onClick, className, ...props }: ComponentProps<typeof Button> & { pendingText?: string; busy?: boolean }) {
  const status = useFormStatus();
  const pending = status.pending || !!busy;
  return (
    <Button
      type="submit"
      {...props}
      className={pending ? `cursor-wait opacity-50 ${className ?? ""}` : className}
      aria-disabled={pending || undefined}
      aria-busy={pending}
      onClick={(e) => {
        if (pending) e.preventDefault();
        else onClick?.(e);
      }}
    >
      {pending && <Loader2 className="size-4 animate-spin" aria-hidden />}
      {pending && pendingText ? pendingText : children}
    </Button>
  );
}
