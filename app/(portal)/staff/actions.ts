"use server";
import { t } from "@/lib/i18n/t";
import { z } from "zod";
import { defineAction } from "@/lib/auth/guard";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { createStaff, setStaffPassword, staffInput, updateStaff } from "@/lib/staff/staff";

const id = z.coerce.number().int().positive();

async function freshPassword() {
  const password = generatePassword(16);
  return { password, hash: await hashPassword(password) };
}

export const createStaffAction = defineAction({
  schema: staffInput,
  capability: "staff.manage",
  prepare: freshPassword,
  run: (input, ctx, { password, hash }) => {
    createStaff(input, hash, ctx);
    return { message: t("staff.created", { username: input.username }), data: { username: input.username, password } };
  },
  revalidate: () => ["/staff"],
});

export const updateStaffAction = defineAction({
  schema: staffInput.omit({ username: true }).extend({
    userId: id,
    active: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  }),
  capability: "staff.manage",
  run: ({ userId, ...input }, ctx) => {
    updateStaff(userId, input, ctx);
    return { message: t("staff.saved") };
  },
  revalidate: () => ["/staff"],
});

export const resetPasswordAction = defineAction({
  schema: z.object({ userId: id }),
  capability: "staff.manage",
  prepare: freshPassword,
  run: ({ userId }, ctx, { password, hash }) => {
    const username = setStaffPassword(userId, hash, ctx);
    return { message: t("staff.newPassword", { username }), data: { username, password } };
  },
  revalidate: () => ["/staff"],
});
