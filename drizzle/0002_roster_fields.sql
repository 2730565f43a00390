CREATE TABLE `roster_column_mappings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` integer NOT NULL,
	`signature` text NOT NULL,
	`mapping` text NOT NULL,
	`updated_by_id` integer,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roster_column_mappings_course_signature_unique` ON `roster_column_mappings` (`course_id`,`signature`);--> statement-breakpoint
ALTER TABLE `students` ADD `university_id` text;--> statement-breakpoint
ALTER TABLE `students` ADD `exam_date` text;--> statement-breakpoint
ALTER TABLE `students` ADD `is_backup` integer;--> statement-breakpoint
ALTER TABLE `students` ADD `search_key` text DEFAULT '' NOT NULL;