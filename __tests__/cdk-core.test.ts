import * as fs from "fs";
import * as path from "path";
import util from "util";
import { Fn, TerraformOutput, Testing } from "cdktf";
import { AksWorkloadIdentityStack, DEFAULT_STACK_NAME } from "../lib/app/aks-workload-identity-stack";
import { resolveConfig } from "../lib/config/load";
import { renderOnlyApp } from "./helpers";

// The suite runs on cdktf in the main CI run and on cdktn in scripts/cdktn-check.sh: each test
// states what each core must do.
// The installed core: cdktf 0.21, or CDK Terrain's cdktn installed under the name cdktf (help/cdk-terrain.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CDK_CORE = (({ name, version }) => ({ name, version }))(require("cdktf/package.json") as { name: string; version: string });
const CORE = CDK_CORE.name as "cdktf" | "cdktn";
const config = resolveConfig({ suffix: "abc123" }).config;

describe(`the CDK core (${CDK_CORE.name} ${CDK_CORE.version})`, () => {
  test("is cdktf or cdktn, installed under the name cdktf, and the prebuilt providers load that same copy", () => {
    expect(["cdktf", "cdktn"]).toContain(CORE);
    const core = require.resolve("cdktf");
    expect(JSON.parse(fs.readFileSync(path.join(path.dirname(core), "..", "package.json"), "utf8"))).toMatchObject(CDK_CORE);
    // A second copy (cdktn beside cdktf) fails at synth: each core calls its own internals on every element.
    for (const provider of ["azurerm", "kubernetes", "random", "time"]) {
      const from = path.dirname(require.resolve(`@cdktf/provider-${provider}/package.json`));
      expect(require.resolve("cdktf", { paths: [from] })).toBe(core);
    }
  });

  test("a Terraform function newer than the targeted Terraform fails synthesis on cdktn, which checks (cdktf knows no such function)", () => {
    const issensitive = (Fn as unknown as { issensitive?: (value: unknown) => string }).issensitive;
    if (CORE === "cdktf") {
      expect(issensitive).toBeUndefined();
      return;
    }
    const app = renderOnlyApp();
    const stack = new AksWorkloadIdentityStack(app, DEFAULT_STACK_NAME, { config });
    new TerraformOutput(stack, "sensitive", { value: issensitive!(stack.keyVault.vaultUri) });
    // cdktn targets Terraform >= 1.5.7 unless cdktf.json says otherwise; issensitive() needs 1.8.
    expect(() => app.synth()).toThrow(/Terraform function "issensitive"/);
  });

  test("util.isArray, which cdktf 0.21 calls for every output and Node 22 deprecates at run time, is Array.isArray once the stack is loaded", () => {
    // main.test's synthesis expects an empty stderr: on Node 22 or later that proves no warning is printed.
    const synthesized = Testing.synthScope((scope) => new TerraformOutput(scope, "list", { value: ["a"] }));
    expect(JSON.parse(synthesized).output.list.value).toEqual(["a"]);
    expect(util.isArray === Array.isArray).toBe(true);
  });
});
