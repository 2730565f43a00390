export * from "./core";
export * from "./submissions";
export * from "./cluster";
export * from "./exams";
export * from "./exam-day";
