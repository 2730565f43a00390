/**
 * The last render, reused while its input is the same. renderAll is a pure function of the model
 * and the options (same model in, byte-identical output out), so a preview followed by its push,
 * or a push repeated with nothing changed, renders once: the input's digest (SHA-256 of its JSON)
 * decides. What the cluster holds is checked on every plan all the same (lib/cluster).
 *
 * The cached result is frozen: whoever mutates it throws instead of changing the next push.
 * It lives as long as this module: a new portal version (another renderer) starts without it.
 */
import { createHash } from "node:crypto";
import { renderAll, type RenderModelInput, type RenderOptions, type RenderResult } from "@/lib/render";

let last: { digest: string; result: RenderResult } | null = null;

/** Digest of a render input: the model as the portal built it, and the options. */
export function renderInputDigest(model: RenderModelInput, options: RenderOptions = {}): string {
  return createHash("sha256").update(JSON.stringify([model, options])).digest("hex");
}

/** Freezes an object and everything it holds, so that a cached result cannot be changed by whoever reads it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** renderAll(model, options), or the last result (the same object) when the input is the same. */
export function renderCached(model: RenderModelInput, options: RenderOptions = {}): RenderResult {
  const digest = renderInputDigest(model, options);
  if (last?.digest !== digest) last = { digest, result: deepFreeze(renderAll(model, options)) };
  return last.result;
}

/** Forgets the last render (benchmarks measure a cold render with it). */
export function forgetRender(): void {
  last = null;
}
