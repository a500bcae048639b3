import * as fs from "fs";
import * as path from "path";
import * as api from "../lib/index";

const LIB = path.join(__dirname, "..", "lib");

describe("lib/index.ts, the package's public API", () => {
  test("re-exports every module of the constructs layer (lib/*.ts), so a new construct cannot be left out of the package", () => {
    const index = fs.readFileSync(path.join(LIB, "index.ts"), "utf8");
    const reExported = [...index.matchAll(/^export \* from "\.\/([^"/]+)";$/gm)].map((m) => `${m[1]}.ts`).sort();
    const modules = fs.readdirSync(LIB).filter((f) => f.endsWith(".ts") && f !== "index.ts").sort();
    expect(reExported).toEqual(modules);
  });

  test("offers the constructs, the stack and the configuration's resolver as values", () => {
    for (const name of ["AksOidcCluster", "ExistingAksOidcCluster", "FederatedIdentity", "RbacKeyVault", "VerificationPod", "Workloads", "AzureResourceGroup", "InvalidPropsError", "AksWorkloadIdentityStack", "resolveConfig", "ConfigError", "NAME_RULES"]) {
      expect(typeof (api as Record<string, unknown>)[name]).not.toBe("undefined");
    }
  });
});
