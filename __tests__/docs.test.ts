import * as fs from "fs";
import * as path from "path";
import { identityDiagram } from "../lib/review/diagram";
import { synthApp } from "./helpers";

const ROOT = path.join(__dirname, "..");

describe("the default stack's diagram embedded in the docs", () => {
  const current = identityDiagram(synthApp().tf).trimEnd();

  test.each(["README.md", "help/identity-chain.md"])("%s shows the diagram the default stack synthesizes today", (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const embedded = /```mermaid\n([\s\S]*?)\n```/.exec(text)?.[1];
    expect(embedded).toBe(current);
  });
});

describe("help/", () => {
  test("has the pages the README and help index link to", () => {
    const index = fs.readFileSync(path.join(ROOT, "help", "README.md"), "utf8");
    const links = [...index.matchAll(/\]\(([^)]+\.md)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(8);
    for (const link of links) expect(fs.existsSync(path.join(ROOT, "help", link))).toBe(true);
  });

  test("troubleshooting gives each known error's exact text", () => {
    const page = fs.readFileSync(path.join(ROOT, "help", "troubleshooting.md"), "utf8");
    for (const text of [
      "AADSTS70021: No matching federated identity record found for presented assertion",
      "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
      "ForbiddenByRbac",
      "connection refused",
      "VaultAlreadyExists",
      "Getting static credential is not allowed because this cluster is set to disable local accounts",
      "AZURE_FEDERATED_TOKEN_FILE",
      "trailing",
    ]) {
      expect(page).toContain(text);
    }
  });
});
