import type { ComponentProps } from "react";
import { cn } from "./cn";

/**
 * The box a table wider than the screen scrolls in. `relative`: the table's visually hidden labels
 * (absolutely positioned) stay inside the box instead of widening the page on a phone.
 */
export function TableScroll({ className, ...props }: ComponentProps<"div">) {
  return <div className={cn("relative overflow-x-auto", className)} {...props} />;
}

export function Table({ className, ...props }: ComponentProps<"table">) {
  return (
    <TableScroll className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className={cn("min-w-full divide-y divide-slate-200 text-sm", className)} {...props} />
    </TableScroll>
  );
}
export function Th({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" className={cn("bg-slate-50 px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-600", className)} {...props} />;
}
export function Td({ className, ...props }: ComponentProps<"td">) {
  return <td className={cn("px-4 py-2.5 text-slate-800", className)} {...props} />;
}
