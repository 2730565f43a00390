import { describe, expect, it } from "vitest";
import { liveToken, sessionIdleSeconds, sessionMaxAgeSeconds } from "./auth.config";

/** The token check Auth.js runs on every request and every /api/auth/session call. */
describe("session lifetime", () => {
  const signedInAt = 1_800_000_000_000;
  const token = { uid: "1", username: "irene", sv: 0, signedInAt, seen: signedInAt };

  it("renews the idle clock on use", () => {
    expect(liveToken(token, signedInAt + 60_000)).toMatchObject({ seen: signedInAt + 60_000, signedInAt });
  });

  it("ends after the idle timeout without a request", () => {
    expect(liveToken(token, signedInAt + sessionIdleSeconds * 1000 + 1)).toBeNull();
  });

  it("ends at the absolute lifetime however often it was renewed (polling /api/auth/session included)", () => {
    let t: typeof token | null = token;
    let now = signedInAt;
    let renewals = 0;
    while (t) {
      now += 5 * 60_000; // a request every five minutes
      t = liveToken(t, now);
      if (t) renewals++;
    }
    expect(now - signedInAt).toBeGreaterThan(sessionMaxAgeSeconds * 1000);
    expect(now - signedInAt).toBeLessThanOrEqual(sessionMaxAgeSeconds * 1000 + 5 * 60_000);
    expect(renewals).toBe(Math.floor((sessionMaxAgeSeconds * 1000) / (5 * 60_000)));
  });

  it("refuses tokens from before session versions (no sv) or without a sign-in time", () => {
    expect(liveToken({ uid: "1", seen: signedInAt, signedInAt } as never, signedInAt)).toBeNull();
    expect(liveToken({ uid: "1", sv: 0, seen: signedInAt } as never, signedInAt)).toBeNull();
  });
});
