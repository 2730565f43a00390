/** The catalogue key of an audit action ("exam.seat.auto" -> "exam_seat_auto"; next-intl keys cannot hold dots). */
function auditActionKey(action: string): string {
  return action.replace(/\./g, "_");
}

type LooseTranslator = { (key: string): string; has(key: string): boolean };

/** A human label for an audit action, or the action itself when the catalogue has none. `t` is a root translator. */
export function auditActionLabel(t: unknown, action: string): string {
  const tr = t as LooseTranslator;
  const key = `audit.actions.${auditActionKey(action)}`;
  return tr.has(key) ? tr(key) : action;
}
