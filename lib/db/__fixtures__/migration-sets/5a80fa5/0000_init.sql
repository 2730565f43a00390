CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`actor_id` integer,
	`actor_name` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text,
	`course_id` integer,
	`summary` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_action` ON `audit_log` (`action`);--> statement-breakpoint
CREATE INDEX `audit_course` ON `audit_log` (`course_id`);--> statement-breakpoint
CREATE TABLE `courses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`archived_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `courses_code_unique` ON `courses` (`code`);--> statement-breakpoint
CREATE TABLE `students` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term_id` integer NOT NULL,
	`username` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`display_name` text,
	`matrikel` text,
	`room` text,
	`seat` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `students_term_username_unique` ON `students` (`term_id`,`username`);--> statement-breakpoint
CREATE TABLE `term_staff` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `term_staff_unique` ON `term_staff` (`term_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `term_staff_user` ON `term_staff` (`user_id`);--> statement-breakpoint
CREATE TABLE `terms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` integer NOT NULL,
	`term` text NOT NULL,
	`hubs` text NOT NULL,
	`image` text NOT NULL,
	`cpu_guarantee` text NOT NULL,
	`cpu_limit` text NOT NULL,
	`mem_guarantee` text NOT NULL,
	`mem_limit` text NOT NULL,
	`mounts` text NOT NULL,
	`archived_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `terms_course_term_unique` ON `terms` (`course_id`,`term`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`email` text,
	`role` text NOT NULL,
	`source` text DEFAULT 'local' NOT NULL,
	`password_hash` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`last_login_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term_id` integer NOT NULL,
	`name` text NOT NULL,
	`title` text,
	`deadline` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assignments_term_name_unique` ON `assignments` (`term_id`,`name`);--> statement-breakpoint
CREATE TABLE `submission_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` integer NOT NULL,
	`path` text NOT NULL,
	`kind` text NOT NULL,
	`size` integer,
	`sha1` text,
	`expected_sha1` text,
	`status` text NOT NULL,
	`link_target` text,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submission_files_submission_path_unique` ON `submission_files` (`submission_id`,`path`);--> statement-breakpoint
CREATE TABLE `submission_scans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term_id` integer NOT NULL,
	`exchange_root` text NOT NULL,
	`course_id` text NOT NULL,
	`assignment_name` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`submissions_total` integer DEFAULT 0 NOT NULL,
	`submissions_done` integer DEFAULT 0 NOT NULL,
	`submissions_skipped` integer DEFAULT 0 NOT NULL,
	`files_hashed` integer DEFAULT 0 NOT NULL,
	`bytes_hashed` integer DEFAULT 0 NOT NULL,
	`checkpoint` text,
	`root_problems` text DEFAULT '[]' NOT NULL,
	`error` text,
	`started_by_id` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`started_at` integer,
	`updated_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`started_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `submission_scans_term` ON `submission_scans` (`term_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term_id` integer NOT NULL,
	`assignment_id` integer,
	`key` text NOT NULL,
	`layout` text NOT NULL,
	`folder_name` text NOT NULL,
	`personalized_user` text,
	`student` text,
	`assignment_name` text,
	`timestamp` text,
	`submitted_at` integer,
	`submitted_at_utc` text,
	`info` text,
	`recorded_hashcode` text,
	`recorded_hashcode_norm` text,
	`mode` text NOT NULL,
	`stored_hashcode` text,
	`stored_hashcode_norm` text,
	`rebuilt_hashcode` text,
	`notebook_sha1` text,
	`notebook_hashcode` text,
	`notebook_legacy_hashcode` text,
	`total_bytes` integer DEFAULT 0 NOT NULL,
	`fingerprint` text NOT NULL,
	`first_seen_fingerprint` text NOT NULL,
	`first_seen_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`last_scan_id` integer,
	`last_scanned_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`gone_at` integer,
	`status` text NOT NULL,
	`flag_kinds` text DEFAULT '[]' NOT NULL,
	`flags` text DEFAULT '[]' NOT NULL,
	`problems` text DEFAULT '[]' NOT NULL,
	`counts` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`last_scan_id`) REFERENCES `submission_scans`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_term_key_unique` ON `submissions` (`term_id`,`key`);--> statement-breakpoint
CREATE INDEX `submissions_term_student_assignment` ON `submissions` (`term_id`,`student`,`assignment_name`);--> statement-breakpoint
CREATE INDEX `submissions_term_recorded_norm` ON `submissions` (`term_id`,`recorded_hashcode_norm`);--> statement-breakpoint
CREATE INDEX `submissions_term_stored_norm` ON `submissions` (`term_id`,`stored_hashcode_norm`);--> statement-breakpoint
CREATE INDEX `submissions_term_status` ON `submissions` (`term_id`,`status`);