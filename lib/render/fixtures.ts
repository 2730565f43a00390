/** Fixed models for tests and golden files (deterministic, no randomness). */
import type { RenderModelInput } from "./model";

const teachingResources = { cpuGuarantee: "500m", cpuLimit: "2", memGuarantee: "1Gi", memLimit: "2Gi" };

export function smallModel(): RenderModelInput {
  return {
    hubs: [
      { name: "assignment", namespace: "e2x-assignment", releaseName: "assignment", host: "jupyter.e2x.example.edu" },
      { name: "exam", namespace: "e2x-exam", releaseName: "exam", host: "exam.e2x.example.edu" },
      { name: "grading", namespace: "e2x-grading", releaseName: "grading" },
    ],
    courses: [
      { code: "mathe1", title: "Mathematik 1" },
      { code: "prog", title: "Programmierung" },
    ],
    terms: [
      {
        id: "WS25",
        courseCode: "mathe1",
        hubs: ["assignment", "exam", "grading"],
        image: "ghcr.io/digiklausur/e2x-notebook:2025.10",
        resources: teachingResources,
      },
      {
        id: "SS25",
        courseCode: "mathe1",
        hubs: ["assignment", "grading"],
        image: "ghcr.io/digiklausur/e2x-notebook:2025.04",
        resources: teachingResources,
      },
      {
        id: "WS25",
        courseCode: "prog",
        hubs: ["assignment", "exam", "grading"],
        image: "ghcr.io/digiklausur/e2x-prog:2025.10",
        imagePullPolicy: "IfNotPresent",
        resources: { cpuGuarantee: "250m", cpuLimit: "1", memGuarantee: "512Mi", memLimit: "1Gi" },
      },
    ],
    memberships: [
      { username: "alice", courseId: "mathe1-WS25", role: "student" },
      { username: "alice", courseId: "mathe1-SS25", role: "student" },
      { username: "alice", courseId: "prog-WS25", role: "student" },
      { username: "bob", courseId: "prog-WS25", role: "student" },
      { username: "max.mustermann", courseId: "mathe1-WS25", role: "student" },
      { username: "grace", courseId: "mathe1-WS25", role: "grader" },
      { username: "grace", courseId: "prog-WS25", role: "student" },
      { username: "ingrid", courseId: "mathe1-WS25", role: "instructor" },
      { username: "ingrid", courseId: "mathe1-SS25", role: "instructor" },
    ],
    exam: { period: "PZ1", sourceCidrs: ["192.0.2.0/24", "198.51.100.0/25"], defaultUrl: "/tree" },
    exams: smallExams(),
    nfs: { server: "nfs.e2x.example.edu", basePath: "/export/e2x" },
    ldap: {
      url: "ldaps://ldap.example.edu:636",
      bindDn: "cn=jupyterhub,ou=services,dc=example,dc=edu",
      bindPasswordSecret: { name: "e2x-ldap", key: "bind-password" },
      searchBase: "ou=people,dc=example,dc=edu",
      searchFilter: "(&(objectClass=posixAccount)({login_attr}={login}))",
    },
  };
}

/**
 * Two exams of the small model: mathe1's open (a student with 30 minutes extra time, a backup
 * account), prog's scheduled. The hashes are Node's scrypt of fixed passwords with fixed salts,
 * so the hub-side tests can check them: mathe1-max.mustermann `k7fm-q2xa-9bnd`,
 * mathe1-backup-pz1-01 `2345-6789-abcd`, prog-bob `efgh-jkmn-pqrs`.
 */
export function smallExams(): NonNullable<RenderModelInput["exams"]> {
  return [
    {
      id: 1,
      courseCode: "mathe1",
      term: "WS25",
      period: "PZ1",
      title: "Klausur Mathematik 1",
      status: "open",
      accepting: true,
      startsAt: "2030-07-22T07:00:00.000Z",
      endsAt: "2030-07-22T09:00:00.000Z",
      graceMinutes: 5,
      revision: 12,
      passwordsVersion: 1,
      rooms: [
        { name: "H-0102", cidrs: ["10.20.1.0/24"] },
        { name: "Staff VPN", cidrs: ["10.8.0.0/16"] },
      ],
      accounts: [
        {
          username: "mathe1-max.mustermann",
          kind: "student",
          room: "H-0102",
          seat: 1,
          notAfter: "2030-07-22T09:35:00.000Z",
          extraMinutes: 30,
          passwordHash: "scrypt$4096$8$1$ZTJ4LWZpeHR1cmUtc2EwMQ==$ybKP/uENuQutL3MNjkd1xS8oKNswBzXubP8vfnR1adA=",
          unlocks: 0,
        },
        {
          username: "mathe1-backup-pz1-01",
          kind: "backup",
          room: "H-0102",
          seat: 40,
          notAfter: "2030-07-22T09:05:00.000Z",
          extraMinutes: 0,
          passwordHash: "scrypt$4096$8$1$ZTJ4LWZpeHR1cmUtc2EwMg==$tu5lqBfPDF6XlRENjQI6P6AhsHH679amKg0juV95ggY=",
          unlocks: 1,
        },
      ],
    },
    {
      id: 2,
      courseCode: "prog",
      term: "WS25",
      period: "PZ1",
      title: "Klausur Programmierung",
      status: "scheduled",
      accepting: false,
      startsAt: "2030-07-23T07:00:00.000Z",
      endsAt: "2030-07-23T08:30:00.000Z",
      graceMinutes: 0,
      revision: 4,
      passwordsVersion: 1,
      rooms: [{ name: "Laptop pool", cidrs: ["10.20.9.0/24", "2001:db8:9::/64"] }],
      accounts: [
        {
          username: "prog-bob",
          kind: "student",
          room: "Laptop pool",
          seat: 3,
          notAfter: "2030-07-23T08:30:00.000Z",
          extraMinutes: 0,
          passwordHash: "scrypt$4096$8$1$ZTJ4LWZpeHR1cmUtc2EwMw==$9Azt7hWwnHScPznK1YFeROyNBq3BaxOpgAOyt+8hsEg=",
          unlocks: 0,
        },
      ],
    },
  ];
}

/**
 * A large university: `users` students, each in `perUser` of `courses` course terms on the
 * assignment hub, plus a grader per course. Deterministic.
 */
export function largeModel(users = 20_000, perUser = 3, courses = 120): RenderModelInput {
  const codes = Array.from({ length: courses }, (_, i) => `course${String(i).padStart(3, "0")}`);
  const memberships: { username: string; courseId: string; role: "student" | "grader" | "instructor" }[] = [];
  for (let u = 0; u < users; u++) {
    const username = `s${String(u).padStart(6, "0")}`;
    for (let k = 0; k < perUser; k++) {
      // a fixed stride walk over the courses: distinct per user, spread evenly
      const c = (u * 7 + k * 37) % courses;
      memberships.push({ username, courseId: `${codes[c]}-WS25`, role: "student" });
    }
  }
  codes.forEach((code, i) => memberships.push({ username: `grader${String(i).padStart(3, "0")}`, courseId: `${code}-WS25`, role: "grader" }));
  return {
    hubs: [
      { name: "assignment", namespace: "e2x-assignment", releaseName: "assignment" },
      { name: "grading", namespace: "e2x-grading", releaseName: "grading" },
    ],
    courses: codes.map((code) => ({ code, title: `Course ${code}` })),
    terms: codes.map((code) => ({
      id: "WS25",
      courseCode: code,
      hubs: ["assignment", "grading"] as ("assignment" | "grading")[],
      image: `registry.example.edu/e2x/${code}:2025.10`,
      resources: { cpuGuarantee: "500m", cpuLimit: "2", memGuarantee: "1Gi", memLimit: "2Gi" },
    })),
    memberships,
    nfs: { server: "nfs.example.edu", basePath: "/export/e2x" },
  };
}
