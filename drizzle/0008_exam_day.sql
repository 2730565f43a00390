CREATE TABLE `exam_hub_api` (
	`id` integer PRIMARY KEY NOT NULL,
	`api_url` text NOT NULL,
	`login_url` text DEFAULT '' NOT NULL,
	`probe_source` text DEFAULT '' NOT NULL,
	`token_sealed` text,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `exam_moves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exam_id` integer NOT NULL,
	`participant_id` integer NOT NULL,
	`backup_id` integer NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`moved_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`moved_by` integer,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`participant_id`) REFERENCES `exam_participants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`backup_id`) REFERENCES `exam_participants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`moved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_moves_backup_unique` ON `exam_moves` (`backup_id`);--> statement-breakpoint
CREATE INDEX `exam_moves_exam` ON `exam_moves` (`exam_id`);--> statement-breakpoint
CREATE TABLE `exam_probes` (
	`exam_id` integer PRIMARY KEY NOT NULL,
	`room_id` integer,
	`password_hash` text,
	`issues` integer DEFAULT 0 NOT NULL,
	`last_run_at` integer,
	`last_ok` integer,
	`last_steps` text,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`room_id`) REFERENCES `exam_rooms`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `exam_receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exam_id` integer NOT NULL,
	`username` text NOT NULL,
	`participant_id` integer,
	`key` text NOT NULL,
	`assignment` text,
	`hashcode` text,
	`sha1sum_digest` text,
	`files` text NOT NULL,
	`files_digest` text NOT NULL,
	`taken_at` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_receipts_exam_key_unique` ON `exam_receipts` (`exam_id`,`key`);--> statement-breakpoint
CREATE INDEX `exam_receipts_exam` ON `exam_receipts` (`exam_id`);