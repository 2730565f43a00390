/**
 * The shard hash shared with the hub (`e2x_portal_profiles.shard_of`): FNV-1a, 32 bit, over
 * the UTF-8 bytes of the username. Cheap, stable across languages and releases.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  // ASCII (nearly every username): its UTF-8 bytes are its char codes, no buffer needed
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) {
      ascii = false;
      break;
    }
    h ^= c;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  if (ascii) return h >>> 0;
  h = FNV_OFFSET;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** Shard index of a username among `shardCount` shards. */
export function shardOf(username: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new Error(`bad shard count ${shardCount}`);
  return fnv1a32(username) % shardCount;
}
