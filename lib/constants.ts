/**
 * The portal's fixed vocabulary: roles and hubs. One source for the database schema, the
 * forms, the guard, LDAP sign-in and the renderer. No imports: lib/render and client
 * components may import this module.
 */

/** Global roles a staff account can hold. Course-level rights come from a role on a term. */
export const ROLES = ["admin", "instructor", "grader", "supervisor"] as const;
export type Role = (typeof ROLES)[number];

/** The role an account gets when several apply (LDAP groups): the strongest first. */
export const ROLE_PRECEDENCE: readonly Role[] = ["admin", "instructor", "supervisor", "grader"];

/** Roles a staff member can hold on one course term. */
export const TERM_ROLES = ["instructor", "grader", "supervisor"] as const;
export type TermRole = (typeof TERM_ROLES)[number];

/**
 * Roles that get a KubeSpawner profile: students, and the term staff who work in notebooks.
 * Supervisors watch exams; they do not spawn servers.
 */
export const PROFILE_ROLES = ["student", "grader", "instructor"] as const;
export type ProfileRole = (typeof PROFILE_ROLES)[number];
/** The staff among them: they get a profile on the grading hub too. */
export const STAFF_PROFILE_ROLES = ["grader", "instructor"] as const satisfies readonly ProfileRole[];

/** The three Zero-to-JupyterHub installations the portal drives. */
export const HUBS = ["assignment", "exam", "grading"] as const;
export type HubName = (typeof HUBS)[number];

