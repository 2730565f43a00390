import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

const control =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-500 focus:ring-2 focus:ring-inset focus:ring-brand-500 aria-[invalid=true]:ring-red-500";

export function Field({ label, name, id, error, hint, children, className }: { label: ReactNode; name: string; id?: string; error?: string[]; hint?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <div className={className}>
      <label htmlFor={id ?? name} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error?.length && <p className="mt-1 text-xs text-slate-600">{hint}</p>}
      <FieldError id={`${id ?? name}-error`} error={error} />
    </div>
  );
}

export function FieldError({ id, error }: { id?: string; error?: string[] }) {
  return (
    <div id={id} aria-live="polite">
      {error?.map((e) => (
        <p key={e} className="mt-1 text-xs font-medium text-red-600">
          {e}
        </p>
      ))}
    </div>
  );
}

export function Input({ error, className, ...props }: ComponentProps<"input"> & { error?: string[] }) {
  const id = props.id ?? props.name;
  return <input {...props} id={id} aria-invalid={error?.length ? true : undefined} aria-describedby={error?.length ? `${id}-error` : undefined} className={cn(control, className)} />;
}

export function Textarea({ error, className, ...props }: ComponentProps<"textarea"> & { error?: string[] }) {
  return <textarea {...props} id={props.id ?? props.name} aria-invalid={error?.length ? true : undefined} className={cn(control, className)} />;
}

export function Select({ error, className, children, ...props }: ComponentProps<"select"> & { error?: string[] }) {
  return (
    <select {...props} id={props.id ?? props.name} aria-invalid={error?.length ? true : undefined} className={cn(control, "pr-8", className)}>
      {children}
    </select>
  );
}

export function FormMessage({ state }: { state: { status: string; message?: string } }) {
  return (
    <div aria-live="polite" role={state.status === "error" ? "alert" : "status"}>
      {state.message && (
        <p data-form-message tabIndex={-1} className={cn("rounded-md px-3 py-2 text-sm outline-none", state.status === "error" ? "bg-red-50 text-red-700 ring-1 ring-red-200" : "bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200")}>
          {state.message}
        </p>
      )}
    </div>
  );
}
