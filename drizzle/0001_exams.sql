CREATE TABLE `exam_participants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exam_id` integer NOT NULL,
	`kind` text NOT NULL,
	`student_id` integer,
	`roster_username` text,
	`username` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`matrikel` text,
	`room_id` integer,
	`seat` integer,
	`extra_minutes` integer DEFAULT 0 NOT NULL,
	`password_hash` text,
	`password_issued_at` integer,
	`password_version` integer,
	`password_issues` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`student_id`) REFERENCES `students`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`room_id`) REFERENCES `exam_rooms`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_participants_username_unique` ON `exam_participants` (`exam_id`,`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `exam_participants_seat_unique` ON `exam_participants` (`room_id`,`seat`);--> statement-breakpoint
CREATE INDEX `exam_participants_student` ON `exam_participants` (`student_id`);--> statement-breakpoint
CREATE TABLE `exam_rooms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exam_id` integer NOT NULL,
	`name` text NOT NULL,
	`seats` integer NOT NULL,
	`blocked_seats` text NOT NULL,
	`cidrs` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_rooms_name_unique` ON `exam_rooms` (`exam_id`,`name`);--> statement-breakpoint
CREATE TABLE `exam_supervisors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exam_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_supervisors_unique` ON `exam_supervisors` (`exam_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `exam_supervisors_user` ON `exam_supervisors` (`user_id`);--> statement-breakpoint
CREATE TABLE `exams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term_id` integer NOT NULL,
	`title` text NOT NULL,
	`period` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`grace_minutes` integer DEFAULT 0 NOT NULL,
	`language` text DEFAULT 'de' NOT NULL,
	`examiners` text NOT NULL,
	`header_lines` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`passwords_version` integer DEFAULT 0 NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`scheduled_at` integer,
	`opened_at` integer,
	`closed_at` integer,
	`archived_at` integer,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exams_term_period_unique` ON `exams` (`term_id`,`period`);--> statement-breakpoint
CREATE INDEX `exams_starts` ON `exams` (`starts_at`);