import { describe, expect, it } from "vitest";
import { seatState } from "./board";
import type { HubUser } from "./hub-api";
import { cidrContains, cidrInside } from "./net";
import { imagePinned } from "./preflight";
import { sealToken, unsealToken } from "./hub-api";

process.env.AUTH_SECRET ??= "unit-test-secret-0123456789abcdef";
const NOW = Date.parse("2026-07-20T10:30:00Z");
/** A user as JupyterHub 5's GET /hub/api/users returns it (read:users, read:servers). */
const user = (server?: Partial<NonNullable<HubUser["servers"]>[string]>, extra: Partial<HubUser> = {}): HubUser => ({
  name: "mathe1-anna",
  admin: false,
  created: "2026-07-20T09:58:00Z",
  last_activity: "2026-07-20T10:29:00Z",
  pending: null,
  server: server ? "/user/mathe1-anna/" : null,
  servers: server ? { "": { name: "", ready: true, pending: null, started: "2026-07-20T10:00:00Z", last_activity: "2026-07-20T10:29:00Z", ...server } } : {},
  ...extra,
});

describe("seat states from what the hub and the exchange say", () => {
  const at = (u: HubUser | undefined, submitted = false, moved = false) => seatState({ user: u, submission: submitted ? { key: "k", at: null, hashcode: "1a2b-3c4d-5e6f" } : undefined, moved, now: NOW });
  it("not signed in, signed in, starting, running, idle, problem, submitted, moved", () => {
    expect(at(undefined).state).toBe("not-signed-in");
    expect(at(user()).state).toBe("signed-in");
    expect(at(user({ ready: false, pending: "spawn", started: "2026-07-20T10:28:00Z" })).state).toBe("starting");
    expect(at(user({}, { pending: "spawn", servers: {} })).state).toBe("starting");
    expect(at(user()).note).toBe("signed in, no server");
    expect(at(user({})).state).toBe("running");
    expect(at(user({ last_activity: "2026-07-20T10:12:00Z" }))).toEqual({ state: "idle", note: "idle 18 min", idleMinutes: 18 });
    expect(at(user({ ready: false, pending: "spawn", started: "2026-07-20T10:20:00Z" }))).toEqual({ state: "problem", note: "server not started after 10 min", minutes: 10 });
    expect(at(user({}), true)).toEqual({ state: "submitted", note: "submitted, hashcode 1a2b-3c4d-5e6f" });
    expect(at(user({}), true, true).state).toBe("moved");
  });
});

describe("pre-flight rules", () => {
  it("an image is pinned by a tag that is not latest, or by a digest", () => {
    expect(imagePinned("ghcr.io/digiklausur/e2x-notebook:2025.10").pinned).toBe(true);
    expect(imagePinned(`ghcr.io/x/y@sha256:${"a".repeat(64)}`).pinned).toBe(true);
    expect(imagePinned("ghcr.io/x/y:latest")).toEqual({ pinned: false, why: "is tagged :latest (it can change under a running exam)" });
    expect(imagePinned("registry:5000/x/y").pinned).toBe(false);
  });
  it("room networks inside the exam networks", () => {
    expect(cidrContains("10.20.1.0/24", "10.20.1.7")).toBe(true);
    expect(cidrContains("10.20.1.0/24", "10.20.2.7")).toBe(false);
    expect(cidrInside("10.20.1.0/24", ["10.20.0.0/16"])).toBe(true);
    expect(cidrInside("10.0.0.0/8", ["10.20.0.0/16"])).toBe(false);
    expect(cidrInside("2001:db8:1::/48", ["2001:db8::/32"])).toBe(true);
  });
  it("the hub token is sealed: no plain text, a tampered seal does not open", () => {
    const sealed = sealToken("0123456789abcdef0123456789abcdef");
    expect(sealed).not.toContain("0123456789abcdef");
    expect(unsealToken(sealed)).toBe("0123456789abcdef0123456789abcdef");
    const parts = sealed.split(".");
    parts[3] = Buffer.from("x".repeat(32)).toString("base64url");
    expect(unsealToken(parts.join("."))).toBeNull();
  });
});
