"use client";
import { useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { Table, Td, Th } from "@/components/ui/table";
import { registerPrintPreparation } from "@/lib/print/prepare";
import type { PrintRow } from "@/lib/rosters/roster";

/**
 * The printed table's rows: the rows the page has, or every row of the search loaded for the
 * print. While it is in the document, the page's own table (`data-print-screen`) does not print.
 */
export function PrintTable({ rows, head }: { rows: PrintRow[]; head: { username: string; name: string; matrikel: string; roomSeat: string } }) {
  return (
    <Table data-print-rows>
      <thead>
        <tr>
          <Th>{head.username}</Th>
          <Th>{head.name}</Th>
          <Th>{head.matrikel}</Th>
          <Th>{head.roomSeat}</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((r) => (
          <tr key={r.id}>
            <Td className="font-mono">{r.username}</Td>
            <Td>{r.name}</Td>
            <Td className="tabular-nums">{r.matrikel}</Td>
            <Td>{r.roomSeat}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/**
 * A roster longer than one page prints every row of its search: they are loaded when the page
 * is printed (print button, Ctrl+P, print preview), not rendered with every page view. Until
 * they are there, or when the load failed, the page's own table (marked `data-print-screen`)
 * prints in their place, with a note that it is the current page only.
 */
export function RosterPrint({ src, head, incomplete }: { src: string; head: Parameters<typeof PrintTable>[0]["head"]; incomplete: string }) {
  const [rows, setRows] = useState<PrintRow[] | null>(null);
  const loading = useRef<Promise<void> | null>(null);
  useEffect(() => {
    const load = () =>
      (loading.current ??= fetch(src, { cache: "no-store" })
        .then((r) => (r.ok ? (r.json() as Promise<{ rows: PrintRow[] }>) : Promise.reject(new Error(String(r.status)))))
        // in the document at once: the print dialog takes its picture right after
        .then((d) => flushSync(() => setRows(d.rows)))
        // a failed load prints the current page with the note; the next print tries again
        .catch(() => void (loading.current = null)));
    return registerPrintPreparation(load);
  }, [src]);
  return rows ? <PrintTable rows={rows} head={head} /> : <p className="mb-2 text-xs text-slate-600">{incomplete}</p>;
}
