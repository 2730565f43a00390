import { z } from "zod";
import { normalizeUsername, USERNAME_HINT, USERNAME_PATTERN } from "./username";

/** A form field holding a username: normalized by the one rule, then checked. */
export const usernameField = z
  .string()
  .transform(normalizeUsername)
  .pipe(z.string().min(1, "Required.").regex(USERNAME_PATTERN, USERNAME_HINT));
