-- Whoever created a course held instructor rights on it through courses.created_by.
-- Those rights become ordinary course staff assignments, which can be removed.
INSERT OR IGNORE INTO `course_staff` (`course_id`, `user_id`, `role`)
SELECT `c`.`id`, `c`.`created_by`, 'instructor' FROM `courses` `c`
JOIN `users` `u` ON `u`.`id` = `c`.`created_by`
WHERE `c`.`created_by` IS NOT NULL;
