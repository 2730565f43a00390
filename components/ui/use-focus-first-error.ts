"use client";
import { useEffect, useRef } from "react";

/**
 * After a validation error, moves focus to the first marked field of the form (in document
 * order), so a keyboard or screen-reader user lands where the correction is needed.
 */
export function useFocusFirstError<T extends HTMLElement = HTMLFormElement>(state: { status: string; fieldErrors?: Record<string, string[] | undefined> }) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (state.status !== "error" || !state.fieldErrors || !ref.current) return;
    const first = ref.current.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
  }, [state]);
  return ref;
}
