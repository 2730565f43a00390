// ESLint (flat config): the boundaries of the code base, kept by the tools.
//   components/  never import lib/db or lib/cluster (they get plain view objects)
//   lib/render/  pure: imports only itself and the import-free lib/constants, lib/courses/course-id,
//                lib/identity/username
//   lib/cluster/ the only code that talks to Kubernetes; it never touches the database
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const dbOrCluster = [
  { group: ["@/lib/db", "@/lib/db/*", "**/lib/db", "**/lib/db/*"], message: "Components get plain view objects: read the database in app/ or lib/." },
  { group: ["@/lib/cluster", "@/lib/cluster/*", "**/lib/cluster", "**/lib/cluster/*"], message: "Only lib/ talks to the cluster: hand the component a view object." },
];

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".venv*/**", ".cache/**", ".data/**", "e2e/.artifacts/**", "e2e/kube/**", "bench/.out/**", "next-env.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly", Atomics: "readonly", SharedArrayBuffer: "readonly" } },
  },
  {
    // Tests read JSON answers of real services: `any` is fine there.
    files: ["tests/**/*.ts", "e2e/**/*.ts", "**/*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            ...dbOrCluster,
            { group: ["@/lib/deployment/*", "!@/lib/deployment/views"], message: "Components take view objects (lib/deployment/views), not the push service." },
            { group: ["@/lib/deployment/views"], allowTypeImports: true, message: "Import the view shapes as types only." },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/render/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?:@/(?!lib/constants$|lib/courses/course-id$|lib/identity/username$)|\\.\\./(?!identity/username$))",
              message: "lib/render is pure: it imports only itself and the import-free lib/constants, lib/courses/course-id, lib/identity/username.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/cluster/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ group: ["@/lib/db", "@/lib/db/*", "**/db/*"], message: "lib/cluster never touches the database: the caller stores plans and results." }] }],
    },
  },
);
