// The folders of lib/ in layers, lowest first. A file may import from its own layer and the layers
// below it, never from one above: eslint.config.mjs turns this table into no-restricted-imports
// rules, and __tests__/layers.test.ts checks the whole import graph against it (and for cycles).
// README.md's "Layout" section describes the same table.
"use strict";

/** @type {ReadonlyArray<{ name: string, folders: string[], files: string[], may: string[], why: string }>} */
const LAYERS = [
  {
    name: "constructs",
    folders: ["", "private"],
    files: ["lib/*.ts", "lib/private/**/*.ts"],
    ignores: ["lib/index.ts"],
    may: [],
    why: "the constructs take typed props and stand alone; configuration, policy, review and commands build on them",
  },
  {
    name: "terraform-json",
    folders: ["terraform-json"],
    files: ["lib/terraform-json/**/*.ts"],
    may: ["constructs"],
    why: "the toolkit that reads synthesized Terraform JSON and plans is shared by policy, review and the commands",
  },
  {
    name: "policy",
    folders: ["policy"],
    files: ["lib/policy/**/*.ts"],
    may: ["constructs", "terraform-json"],
    why: "rules read Terraform JSON; configuration and the app apply them, not the other way round",
  },
  {
    name: "review",
    folders: ["review"],
    files: ["lib/review/**/*.ts"],
    may: ["constructs", "terraform-json"],
    why: "the plan review and the diagram read Terraform JSON and plans only",
  },
  {
    name: "verify",
    folders: ["verify"],
    files: ["lib/verify/**/*.ts"],
    may: ["constructs", "terraform-json"],
    why: "verify talks to a cluster; it needs nothing from the configuration or the app",
  },
  {
    name: "config",
    folders: ["config"],
    files: ["lib/config/**/*.ts"],
    may: ["constructs", "terraform-json", "policy"],
    why: "configuration reuses the constructs' naming rules and policy's rule ids, and is read by the app",
  },
  {
    name: "app",
    folders: ["app"],
    files: ["lib/app/**/*.ts"],
    may: ["constructs", "terraform-json", "policy", "review", "verify", "config"],
    why: "the app turns a configuration into the stack and synthesizes it; commands call it",
  },
  {
    name: "package",
    folders: [],
    files: ["lib/index.ts"],
    may: ["constructs", "terraform-json", "policy", "review", "verify", "config", "app"],
    why: "the package's public API re-exports the constructs and the stack; nothing in lib/ imports it",
  },
  {
    name: "commands",
    folders: ["commands"],
    files: ["lib/commands/**/*.ts"],
    may: ["constructs", "terraform-json", "policy", "review", "verify", "config", "app"],
    why: "commands are the top: argv, exit codes and I/O; main.ts and scripts/*.ts only start them",
  },
];

/** The layer a file of lib/ belongs to (path relative to the repository, with '/'), or undefined outside lib/. */
function layerOf(file) {
  if (file === "lib/index.ts") return "package";
  const match = /^lib\/(?:([^/]+)\/)?[^/]+$/.exec(file) ?? /^lib\/([^/]+)\//.exec(file);
  if (!match) return undefined;
  const folder = match[1] ?? "";
  return LAYERS.find((layer) => layer.folders.includes(folder))?.name;
}

/**
 * What a file of `layer` must not import from: every layer that is neither its own nor one it may
 * use, as a regular expression over an import's relative specifier (files under lib/ sit one or
 * two folders deep, so `./x/` from lib/ and `../x/` from lib/<folder>/ both name folder x).
 */
function forbiddenImports(layer) {
  const own = LAYERS.find((l) => l.name === layer);
  const above = LAYERS.filter((l) => l.name !== layer && !own.may.includes(l.name));
  const folders = above.flatMap((l) => l.folders).filter((f) => f !== "");
  const patterns = [];
  if (folders.length > 0) patterns.push({ regex: `^(?:\\.{1,2}/)+(?:lib/)?(?:${folders.join("|")})(?:/|$)`, names: above.filter((l) => l.folders.some((f) => f !== "")).map((l) => l.name) });
  // The package's index re-exports everything: importing it from inside lib/ makes a cycle. ("./index"
  // is the package's only from lib/ itself; terraform-json and commands have an index of their own.)
  if (layer !== "package") {
    patterns.push({ regex: layer === "constructs" ? "^(?:\\.{1,2}/?|\\.\\./index|\\./index)$" : "^(?:\\.{1,2}/?|\\.\\./index)$", names: ["package"] });
  }
  return patterns;
}

module.exports = { LAYERS, layerOf, forbiddenImports };
