CREATE TABLE `applied_objects` (
	`location` text NOT NULL,
	`key` text NOT NULL,
	`digest` text NOT NULL,
	`resource_version` text NOT NULL,
	`uid` text,
	`push_id` integer,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`location`, `key`),
	FOREIGN KEY (`push_id`) REFERENCES `pushes`(`id`) ON UPDATE no action ON DELETE set null
);
