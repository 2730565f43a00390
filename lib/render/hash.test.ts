import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { GOLDEN_DIR, expectGolden } from "./golden";
import { fnv1a32, shardOf } from "./hash";

const NAMES = ["", "a", "alice", "bob", "max.mustermann", "jürgen", "s000042", "mathe1+student+mathe1-WS25", "ÄÖÜß-日本"];

it("fnv1a32 matches the published FNV-1a test vectors", () => {
  expect(fnv1a32("")).toBe(0x811c9dc5);
  expect(fnv1a32("a")).toBe(0xe40c292c);
  expect(fnv1a32("foobar")).toBe(0xbf9cf968);
});

it("writes the shard test vectors the hub-side tests read", () => {
  const vectors = NAMES.map((name) => ({
    name,
    fnv1a32: fnv1a32(name),
    shards: Object.fromEntries([1, 2, 3, 7, 16].map((n) => [String(n), shardOf(name, n)])),
  }));
  expectGolden("shard-vectors.json", JSON.stringify(vectors, null, 2) + "\n");
  expect(fs.existsSync(path.join(GOLDEN_DIR, "shard-vectors.json"))).toBe(true);
});
