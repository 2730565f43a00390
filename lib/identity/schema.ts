import { z } from "zod";
import { msg } from "@/lib/i18n/t";
import { normalizeUsername, USERNAME_PATTERN } from "./username";

/** A form field holding a username: normalized by the one rule, then checked. */
export const usernameField = z
  .string()
  .transform(normalizeUsername)
  .pipe(z.string().min(1, msg("errors.required")).regex(USERNAME_PATTERN, msg("rosterFile.usernameHint")));
