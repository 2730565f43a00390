"use client";
import { Printer } from "lucide-react";
import { Button } from "./button";

/** Opens the browser's print dialog; the page's print styles show every row and no controls. */
export function PrintButton({ label }: { label: string }) {
  return (
    <Button type="button" variant="secondary" className="no-print" onClick={() => window.print()}>
      <Printer className="size-4" aria-hidden /> {label}
    </Button>
  );
}
