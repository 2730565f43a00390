CREATE TABLE `synced_parts` (
	`part` text PRIMARY KEY NOT NULL,
	`digest` text NOT NULL,
	`synced_at` integer NOT NULL,
	`audit_id` integer NOT NULL,
	`push_id` integer,
	FOREIGN KEY (`push_id`) REFERENCES `pushes`(`id`) ON UPDATE no action ON DELETE set null
);
