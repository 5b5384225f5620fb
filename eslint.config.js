// Lint: type-aware basics plus the dependency-direction rule: src/domain is pure (no I/O, no adapters).
import tseslint from "typescript-eslint";

const ioModules = [
  "node:fs", "node:fs/promises", "fs", "node:net", "node:http", "node:https", "node:child_process",
  "better-sqlite3", "pg", "ioredis", "fastify", "openai", "kysely", "ws", "pino", "unpdf", "linkedom",
];

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "web/dist/**", "data/**", "bench/results/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "warn",
    },
  },
  {
    files: ["src/domain/**/*.ts"],
    ignores: ["src/domain/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: ioModules.map((name) => ({ name, message: "src/domain is pure: no I/O. Take a port instead." })),
        patterns: [
          { group: ["**/adapters/**", "**/server/**", "**/cli/**", "**/app/**"], message: "src/domain imports nothing outside itself." },
        ],
      }],
    },
  },
  {
    files: ["src/app/**/*.ts"],
    ignores: ["src/app/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: ["better-sqlite3", "pg", "ioredis", "fastify", "openai"].map((name) => ({ name, message: "use cases talk to ports, not drivers." })),
        patterns: [{ group: ["**/adapters/**", "**/server/**", "**/cli/**"], message: "use cases depend on ports only." }],
      }],
    },
  },
);
