import js from "@eslint/js";
import tseslint from "typescript-eslint";

const providerPackages = ["azurerm", "kubernetes", "random", "time"].map((p) => `@cdktf/provider-${p}`);

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", "coverage/", ".gen/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      // A provider package root loads ~1,500 modules: synth ~9x slower and ~9x the memory.
      "no-restricted-imports": [
        "error",
        {
          paths: providerPackages.map((name) => ({
            name,
            message: `Import each class from its own module, e.g. ${name}/lib/provider, not from the package root.`,
          })),
        },
      ],
      "no-console": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
