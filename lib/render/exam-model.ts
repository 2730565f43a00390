/**
 * The exams in the render model: what the exam hub gets per exam (lib/exams `examHubData`,
 * mapped by lib/deployment/model.ts) and how the hub's sign-in behaves. Self-contained (no
 * import of model.ts, which includes these schemas).
 */
import { z } from "zod";

/** Exam logins as JupyterHub normalises them: lower case, no whitespace, path separators or braces. */
const login = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\sA-Z/{}\\]+$/, "a lower-case login without whitespace, '/', '\\' or braces");

const network = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, "CIDR like 10.0.0.0/24");
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "an ISO instant");

/** `scrypt$N$r$p$<salt b64>$<key b64>` (lib/exams/OTP.md): a hash, never a password. */
export const PASSWORD_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

export const examAccountSchema = z.object({
  username: login,
  /** "probe": the pre-flight's test sign-in account. */
  kind: z.enum(["student", "backup", "probe"]),
  /** The account's room (a name of the exam's `rooms`): sign-in only from its networks. */
  room: z.string().min(1),
  seat: z.number().int().nullable(),
  /** Sign-in is accepted until then: the end plus the account's extra time plus grace. */
  notAfter: instant,
  extraMinutes: z.number().int().min(0),
  passwordHash: z.string().regex(PASSWORD_HASH, "a scrypt hash (lib/exams/OTP.md)"),
  /** Raised by each supervisor's unlock: the hub lifts a lock when it sees a higher number. */
  unlocks: z.number().int().min(0).default(0),
});
export type ExamAccount = z.infer<typeof examAccountSchema>;

export const renderExamSchema = z.object({
  id: z.number().int().positive(),
  courseCode: z.string().min(1),
  /** The term id (WS25): with the course code it names the term whose image and resources the pods get. */
  term: z.string().min(1),
  period: z.string().regex(/^[A-Za-z0-9_-]+$/),
  title: z.string().min(1),
  status: z.enum(["scheduled", "open", "closed"]),
  /** Whether the hub accepts sign-ins for this exam (only while open). */
  accepting: z.boolean(),
  startsAt: instant,
  endsAt: instant,
  graceMinutes: z.number().int().min(0),
  revision: z.number().int().min(0),
  passwordsVersion: z.number().int().min(0),
  rooms: z.array(z.object({ name: z.string().min(1), cidrs: z.array(network) })),
  accounts: z.array(examAccountSchema),
});
export type RenderExam = z.infer<typeof renderExamSchema>;
export type RenderExamInput = z.input<typeof renderExamSchema>;

/** How the exam hub's sign-in behaves (python/e2x_portal_exam.py). */
export const examSignInSchema = z.object({
  /** Seconds the hub uses one read of the password Secret: a re-issue reaches it within this (plus the push). */
  ttlSeconds: z.number().int().min(1).max(30).default(10),
  /** Wrong passwords that lock an account, and for how long. */
  maxFailures: z.number().int().min(1).max(100).default(5),
  lockoutSeconds: z.number().int().min(10).max(86_400).default(300),
});
export type ExamSignIn = z.infer<typeof examSignInSchema>;
export const EXAM_SIGN_IN_DEFAULTS: ExamSignIn = { ttlSeconds: 10, maxFailures: 5, lockoutSeconds: 300 };
