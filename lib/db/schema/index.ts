export * from "./core";
export * from "./submissions";
