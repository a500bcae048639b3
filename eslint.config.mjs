import js from "@eslint/js";
import tseslint from "typescript-eslint";
import layers from "./layers.config.cjs";

const providerPackages = ["azurerm", "kubernetes", "random", "time"].map((p) => `@cdktf/provider-${p}`);

// A provider package root loads ~1,500 modules: synth ~9x slower and ~9x the memory.
const providerRoots = providerPackages.map((name) => ({
  name,
  message: `Import each class from its own module, e.g. ${name}/lib/provider, not from the package root.`,
}));

// The layers of lib/ (layers.config.cjs): one block per layer, each forbidding imports from the layers
// above it. ESLint replaces a rule's options per block rather than merging them, so each block
// repeats the provider-root paths.
const layerBlocks = layers.LAYERS.map((layer) => ({
  files: layer.files,
  ...(layer.ignores ? { ignores: layer.ignores } : {}),
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: providerRoots,
        patterns: layers.forbiddenImports(layer.name).map(({ regex, names }) => ({
          regex,
          message:
            `lib/ is layered (layers.config.cjs; README.md, "Layout"): the ${layer.name} layer imports only from ` +
            `${[layer.name, ...layer.may].join(", ")}; this one reaches ${names.join(" or ")}. ` +
            "Move the code it needs down a layer, or pass that in as a parameter",
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", "coverage/", ".gen/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: providerRoots }],
      "no-console": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  ...layerBlocks,
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
