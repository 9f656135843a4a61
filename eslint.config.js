import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// shared/DESIGN.md's dependency direction: server/cli/agent → composition → requests/planner/engine →
// actions → ports; connectors → ports; everything may use domain/ and store/. Each folder lists what it
// must never import; nothing in src/ imports emulators/ or test/.
const upper = ["composition", "server", "cli", "agent"];
const forbidden = {
  domain: [
    "ports",
    "workflows",
    "requests",
    "planner",
    "engine",
    "actions",
    "connectors",
    "credentials",
    "staff",
    "store",
    "observability",
    "evidence",
    ...upper,
  ],
  ports: [
    "workflows",
    "requests",
    "planner",
    "engine",
    "actions",
    "connectors",
    "credentials",
    "staff",
    "store",
    "observability",
    "evidence",
    ...upper,
  ],
  actions: ["connectors", "engine", "planner", "requests", "workflows", "evidence", ...upper],
  connectors: [
    "actions",
    "engine",
    "planner",
    "requests",
    "workflows",
    "credentials",
    "staff",
    "store",
    "evidence",
    ...upper,
  ],
  planner: ["connectors", "engine", "evidence", ...upper],
  requests: ["connectors", "engine", "planner", "evidence", ...upper],
  workflows: ["connectors", "engine", "evidence", ...upper],
  engine: ["connectors", "evidence", ...upper],
  store: [
    "actions",
    "connectors",
    "engine",
    "planner",
    "requests",
    "workflows",
    "credentials",
    "staff",
    "evidence",
    ...upper,
  ],
  credentials: ["actions", "connectors", "engine", "planner", "requests", "workflows", "evidence", ...upper],
  // Staff accounts, sessions and tokens: persistence of who may act, knowing nothing of what they act on.
  staff: [
    "actions",
    "connectors",
    "engine",
    "planner",
    "requests",
    "workflows",
    "evidence",
    "credentials",
    "staff",
    ...upper,
  ],
  // The run's report reads the store and the engine's records; it knows no vendor, no action's internals.
  evidence: ["actions", "connectors", "credentials", "requests", "workflows", ...upper],
  server: ["connectors", "cli", "agent"],
  cli: ["connectors", "agent"],
};
const never = ["**/emulators/**", "**/test/**"];
const direction = Object.entries(forbidden).map(([folder, targets]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          { group: never, message: "src/ never imports the emulators or the tests." },
          {
            group: targets.map((t) => `**/${t}/**`),
            message: `src/${folder} must not import this layer (shared/DESIGN.md: dependencies point one way).`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "data/",
      "dist/",
      "web/dist/",
      "web/src/api/schema.d.ts",
      "src/store/migrations/",
      ".tmp/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-empty": ["error", { allowEmptyCatch: false }],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: never }] },
  },
  ...direction,
  { files: ["web/src/**/*.{ts,tsx}"], ...reactHooks.configs.flat["recommended-latest"] },
  { files: ["bin/**/*.js"], languageOptions: { globals: { process: "readonly", console: "readonly" } } },
);
