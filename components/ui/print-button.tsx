"use client";
import { Printer } from "lucide-react";
import { printPage } from "@/lib/print/prepare";
import { Button } from "./button";

/** Opens the browser's print dialog (after loading what the page prints but does not show); the page's print styles show every row and no controls. */
export function PrintButton({ label }: { label: string }) {
  return (
    <Button type="button" variant="secondary" className="no-print" onClick={() => void printPage()}>
      <Printer className="size-4" aria-hidden /> {label}
    </Button>
  );
}
