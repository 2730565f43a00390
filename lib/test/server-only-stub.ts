// The "server-only" guard only matters inside a Next bundle; under vitest it is a no-op module.
export {};
