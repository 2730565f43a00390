-- Receipts are append-only: the database refuses to change or delete one (each also carries the
-- hash of the one before, so an edit made around these triggers still shows).
CREATE TRIGGER `exam_receipts_no_update` BEFORE UPDATE ON `exam_receipts`
BEGIN
  SELECT RAISE(ABORT, 'exam receipts are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `exam_receipts_no_delete` BEFORE DELETE ON `exam_receipts`
BEGIN
  SELECT RAISE(ABORT, 'exam receipts are append-only');
END;
