CREATE TABLE `hub_values_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hub` text NOT NULL,
	`digest` text NOT NULL,
	`values` text NOT NULL,
	`rendered_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `hub_values_versions_hub` ON `hub_values_versions` (`hub`,`id`);