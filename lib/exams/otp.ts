/**
 * One-time passwords for the exam hub (spec: lib/exams/OTP.md).
 *
 * 12 symbols from a 29-symbol alphabet (58.3 bits) from the CSPRNG, printed in three groups
 * of four. The alphabet leaves out look-alikes (0 O o, 1 l I i) and y/z, which swap between
 * German and English keyboard layouts. What is hashed is the canonical form: the symbols
 * only, lower case, without the group separators; sign-in strips spaces and dashes and
 * lower-cases before comparing, so "K7FM Q2XA 9BND" and "k7fm-q2xa-9bnd" are the same.
 *
 * Exports:
 *   OTP_ALPHABET, OTP_LENGTH, OTP_GROUP, OTP_BITS, OTP_COST
 *   generateOtp()              -> canonical password (12 symbols)
 *   formatOtp(canonical)       -> "k7fm-q2xa-9bnd"
 *   canonicalOtp(typed)        -> what is hashed and compared
 *   hashOtp(canonical)         -> "scrypt$4096$8$1$<salt b64>$<key b64>"
 *   verifyOtp(typed, stored)   -> boolean
 */
import { randomInt } from "node:crypto";
import { hashPassword, verifyPassword, type ScryptCost } from "@/lib/auth/password";

export const OTP_ALPHABET = "23456789abcdefghjkmnpqrstuvwx";
export const OTP_LENGTH = 12;
export const OTP_GROUP = 4;
export const OTP_BITS = OTP_LENGTH * Math.log2(OTP_ALPHABET.length);
/**
 * scrypt N=2^12, r=8, p=1 (4 MiB): 58 random bits make guessing infeasible even at this cost,
 * and 600 sheets hash in seconds, not minutes. Stored with the hash, so it can change.
 */
export const OTP_COST: ScryptCost = { N: 4096, r: 8, p: 1 };

export function generateOtp(): string {
  let out = "";
  for (let i = 0; i < OTP_LENGTH; i++) out += OTP_ALPHABET[randomInt(OTP_ALPHABET.length)];
  return out;
}

export function formatOtp(canonical: string): string {
  const groups: string[] = [];
  for (let i = 0; i < canonical.length; i += OTP_GROUP) groups.push(canonical.slice(i, i + OTP_GROUP));
  return groups.join("-");
}

export function canonicalOtp(typed: string): string {
  return typed.replace(/[\s-]+/g, "").toLowerCase();
}

export function hashOtp(canonical: string): Promise<string> {
  return hashPassword(canonicalOtp(canonical), OTP_COST);
}

export function verifyOtp(typed: string, stored: string | null | undefined): Promise<boolean> {
  return verifyPassword(canonicalOtp(typed), stored);
}
