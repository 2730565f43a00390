ALTER TABLE `exam_participants` ADD `unlocks` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `exam_participants` ADD `unlocked_at` integer;--> statement-breakpoint
ALTER TABLE `exams` ADD `hub_revision` integer;--> statement-breakpoint
ALTER TABLE `exams` ADD `hub_pushed_at` integer;--> statement-breakpoint
ALTER TABLE `exams` ADD `hub_push_id` integer;