// The import boundaries are kept by ESLint (eslint.config.mjs); this checks that the rules bite.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, "..") });

async function restricted(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: file });
  return r.messages.filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports").map((m) => m.message);
}

describe("import boundaries", () => {
  it("components never import lib/db or lib/cluster, and take deployment views as types only", async () => {
    expect(await restricted("components/x/a.tsx", 'import { getDb } from "@/lib/db/client";\nexport const a = getDb;\n')).toHaveLength(1);
    expect(await restricted("components/x/a.tsx", 'import type { Db } from "@/lib/db/client";\nexport type A = Db;\n')).toHaveLength(1);
    expect(await restricted("components/x/a.tsx", 'import { refKey } from "@/lib/cluster";\nexport const a = refKey;\n')).toHaveLength(1);
    expect(await restricted("components/x/a.tsx", 'import { listPushes } from "@/lib/deployment/history";\nexport const a = listPushes;\n')).toHaveLength(1);
    expect(await restricted("components/x/a.tsx", 'import { planView } from "@/lib/deployment/views";\nexport const a = planView;\n')).toHaveLength(1);
    expect(await restricted("components/x/a.tsx", 'import type { PlanView } from "@/lib/deployment/views";\nimport { HUBS } from "@/lib/constants";\nexport type A = PlanView;\nexport const h = HUBS;\n')).toEqual([]);
  });

  it("lib/render imports only itself and the constants", async () => {
    expect(await restricted("lib/render/x.ts", 'import { getDb } from "@/lib/db/client";\nexport const a = getDb;\n')).toHaveLength(1);
    expect(await restricted("lib/render/x.ts", 'import { a } from "../deployment/model";\nexport const b = a;\n')).toHaveLength(1);
    expect(await restricted("lib/render/x.ts", 'import { HUBS } from "@/lib/constants";\nimport { nbgraderCourseId } from "@/lib/courses/course-id";\nimport { normalizeUsername } from "../identity/username";\nimport { kindRank } from "./kube";\nexport const a = [HUBS, nbgraderCourseId, normalizeUsername, kindRank];\n')).toEqual([]);
    expect(await restricted("lib/render/x.ts", 'import { checkUsername } from "../identity/schema";\nexport const a = checkUsername;\n')).toHaveLength(1);
  });

  it("lib/cluster never touches the database", async () => {
    expect(await restricted("lib/cluster/x.ts", 'import { pushes } from "@/lib/db/schema";\nexport const a = pushes;\n')).toHaveLength(1);
  });
});
