/**
 * What the exam-day pages show: plain data, no imports (components may import these).
 */
export const SEAT_STATES = ["empty", "not-signed-in", "signed-in", "starting", "running", "idle", "submitted", "problem", "moved"] as const;
export type SeatState = (typeof SEAT_STATES)[number];


export interface BoardSeat {
  participantId: number;
  kind: "student" | "backup";
  username: string;
  name: string;
  seat: number | null;
  state: SeatState;
  /** In English (logs, tests); the pages word it from `state`, `minutes` and `hashcode`. */
  note: string;
  /** Idle for, or not started after, this many minutes. */
  minutes?: number;
  hashcode: string | null;
  extraMinutes: number;
  /** Until when this account may sign in (ISO). */
  until: string;
  /** A backup account holding a student's work: whose; a moved student: to which account. */
  holdsWorkOf?: string;
  movedTo?: string;
}

export interface BoardRoom {
  id: number | null;
  name: string;
  seats: number;
  blocked: number[];
  accounts: BoardSeat[];
  counts: Record<SeatState, number>;
}

export interface Board {
  examId: number;
  title: string;
  status: string;
  rooms: BoardRoom[];
  totals: Record<SeatState, number>;
  hub: {
    reachable: boolean;
    checkedAt: string;
    lastOkAt: string | null;
    unreachableSince: string | null;
    error: string | null;
    /** Set when the portal has no usable API settings: the page words it (the reading is shared by readers of every language). */
    errorCode?: "not-set" | "token-lost" | "no-token";
    version?: string;
  };
  /** Calls to the hub's API for this reading, and how long it took on the server. */
  stats: { hubCalls: number; serverMs: number; cached: boolean };
}


export type ItemStatus = "go" | "no-go" | "warn";

export interface PreflightItem {
  id: string;
  group: "people" | "cluster" | "exam" | "image" | "capacity" | "hub";
  title: string;
  status: ItemStatus;
  /** What is wrong (or what was found). */
  detail: string;
  /** How to fix it; empty when nothing is to do. */
  fix: string;
  href?: string;
  /** The fix is the administrators' (cluster settings, pushes, the hub API): others see it named as theirs, without the link. */
  byAdmins?: boolean;
  /** Up to 20 specifics (logins, objects) behind the detail. */
  list?: string[];
}

export interface Preflight {
  examId: number;
  checkedAt: string;
  go: boolean;
  items: PreflightItem[];
  hubVersion?: string;
}

