"use client";
import { Loader2 } from "lucide-react";
import { useFormStatus } from "react-dom";
import { Button } from "./button";
import type { ComponentProps } from "react";

/** `busy` is for forms submitted from onSubmit (no form action, so no form status). */
export function SubmitButton({ children, pendingText, busy, ...props }: ComponentProps<typeof Button> & { pendingText?: string; busy?: boolean }) {
  const status = useFormStatus();
  const pending = status.pending || !!busy;
  return (
    <Button type="submit" {...props} disabled={pending || props.disabled} aria-busy={pending}>
      {pending && <Loader2 className="size-4 animate-spin" aria-hidden />}
      {pending && pendingText ? pendingText : children}
    </Button>
  );
}
