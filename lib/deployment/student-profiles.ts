/**
 * The profiles each hub offers one person, built by the renderer's own per-user builders
 * (`buildHubProfileData`, `buildExamProfileData` in lib/render) from the render model the push
 * uses (`buildPortalModel`), narrowed to that person: their memberships on the teaching hubs,
 * their exam logins' accounts on the exam hub. A user's list depends only on their own
 * memberships and the (kept) terms and exams, so the result is what the pushed profile
 * ConfigMaps hold for them.
 */
import { eq, inArray, or } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { examParticipants, students } from "@/lib/db/schema";
import { normalizeUsername } from "@/lib/identity/username";
import { buildExamProfileData, buildHubProfileData, HUB_NAMES, parseRenderModel, type HubName, type ProfileEntry } from "@/lib/render";
import { buildPortalModel } from "./model";

export interface HubProfilesOfUser {
  hub: HubName;
  /** The hub login the list is for: the roster username, on the exam hub each exam login. */
  login: string;
  /** In the order the hub lists them (the first is the default). */
  entries: ProfileEntry[];
}

/** The exam hub logins of a roster username on every exam (as the exams' participants hold them). */
export function examLoginsOf(db: DbOrTx, username: string): string[] {
  const name = normalizeUsername(username);
  const ids = db.select({ id: students.id }).from(students).where(eq(students.username, name)).all().map((r) => r.id);
  const rows = db
    .select({ login: examParticipants.username })
    .from(examParticipants)
    .where(ids.length ? or(eq(examParticipants.rosterUsername, name), inArray(examParticipants.studentId, ids)) : eq(examParticipants.rosterUsername, name))
    .all();
  return [...new Set(rows.map((r) => normalizeUsername(r.login)))].sort();
}

/** Per hub and login: the profile entries the hub offers this person, in the hub's order. */
export function studentProfiles(db: DbOrTx, username: string): HubProfilesOfUser[] {
  const name = normalizeUsername(username);
  const logins = new Set(examLoginsOf(db, name));
  const { model: input } = buildPortalModel(db);
  const model = parseRenderModel({
    ...input,
    memberships: input.memberships.filter((m) => m.username === name),
    exams: (input.exams ?? []).map((e) => ({ ...e, accounts: e.accounts.filter((a) => logins.has(a.username)) })),
  });
  const out: HubProfilesOfUser[] = [];
  for (const hub of HUB_NAMES) {
    if (!model.hubs.some((h) => h.name === hub)) continue;
    const data = hub === "exam" ? buildExamProfileData(model) : buildHubProfileData(model, hub);
    for (const [login, keys] of Object.entries(data.users)) {
      if (hub === "exam" ? !logins.has(login) : login !== name) continue;
      out.push({ hub, login, entries: keys.map((k) => data.profiles[k]) });
    }
  }
  return out;
}
