"use client";
import { useEffect, useRef } from "react";

/**
 * After a validation error, moves focus to the first marked field of the form (in document
 * order), so a keyboard or screen-reader user lands where the correction is needed; when the
 * form as a whole was refused, to its message.
 */
export function useFocusFirstError<T extends HTMLElement = HTMLFormElement>(state: { status: string; fieldErrors?: Record<string, string[] | undefined> }) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (state.status !== "error" || !ref.current) return;
    // a refusal of the whole form (no field to correct): its message, so it is read out and seen
    const first = ref.current.querySelector<HTMLElement>('[aria-invalid="true"]') ?? ref.current.querySelector<HTMLElement>("[data-form-message]");
    first?.focus();
  }, [state]);
  return ref;
}
