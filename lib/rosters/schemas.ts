import { z } from "zod";
import { COLUMN_MEANINGS, type ColumnMapping, type ColumnMeaning } from "./csv";

const meaning = z.enum(COLUMN_MEANINGS.map((m) => m.meaning) as [ColumnMeaning, ...ColumnMeaning[]]);

/** A column mapping as a form sends it: JSON in one field, absent when the detected one applies. */
export const mappingField = z
  .string()
  .optional()
  .transform((v, ctx): ColumnMapping | undefined => {
    if (!v) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(v);
    } catch {
      ctx.addIssue({ code: "custom", message: "The column mapping is not readable. Choose the columns again." });
      return z.NEVER;
    }
    const r = z.object({ hasHeader: z.boolean(), columns: z.array(meaning.nullable()).min(1).max(200) }).safeParse(raw);
    if (!r.success) {
      ctx.addIssue({ code: "custom", message: "The column mapping is not valid. Choose the columns again." });
      return z.NEVER;
    }
    return r.data;
  });
