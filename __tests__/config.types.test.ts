import { ConfigError, formatProblem } from "../lib/config/errors";
import type { Infer, ObjectField } from "../lib/config/fields";
import { resolveConfig } from "../lib/config/load";
import { ENV_OVERRIDES, SCHEMA } from "../lib/config/schema";
import type { AppConfig, BackendConfig, ClusterConfig, KeyVaultSku, WorkloadConfig } from "../lib/config/types";

/*
 * The configuration's types are inferred from the schema. The compile-time half of these tests is
 * checked by `npm run typecheck` (tsc covers __tests__): each `@ts-expect-error` line fails the type
 * check if the error it expects is gone, and each `assertType` fails it if the types differ.
 */

/** Exactly equal types, not merely assignable either way. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

// The schema's literals reach the types.
assertType<Equal<KeyVaultSku, "standard" | "premium">>();
assertType<Equal<ClusterConfig["oidcIssuerEnabled"], true>>();
assertType<Equal<BackendConfig["type"], "local" | "azurerm" | "cloud" | "pg">>();
// A key with a default, a derivation or `required` is always set; one without is optional.
assertType<Equal<WorkloadConfig["federatedCredential"], string>>();
assertType<Equal<WorkloadConfig["secrets"], readonly string[] | undefined>>();
assertType<Equal<AppConfig["suffix"], string | undefined>>();
assertType<Equal<ClusterConfig["linuxProfile"], { readonly adminUsername: string; readonly sshPublicKey: string } | undefined>>();

// The backend is a union on `type`: each member carries its own section, and only it.
export const azurerm: BackendConfig = { type: "azurerm", azurerm: { resourceGroupName: "rg", storageAccountName: "st", containerName: "c", key: "k", useAzureadAuth: true } };
// @ts-expect-error a backend of type azurerm has its section
export const azurermWithout: BackendConfig = { type: "azurerm" };
// @ts-expect-error a local backend has no cloud section
export const localWithCloud: BackendConfig = { type: "local", cloud: { organization: "o", workspace: "w" } };
export const pgWithout: BackendConfig = { type: "pg" };

/** Reads a section only where its type says it is there; without the narrowing this does not compile. */
function storage(backend: BackendConfig): string | undefined {
  // @ts-expect-error the section is not on every member
  void backend.azurerm;
  return backend.type === "azurerm" ? backend.azurerm.storageAccountName : undefined;
}

// An environment variable overrides a string key of the schema, nothing else.
type EnvPath = (typeof ENV_OVERRIDES)[number]["path"];
export const envPath: EnvPath = ["workloads", 0, "identity"];
// @ts-expect-error nodeCount is an integer
export const integerPath: EnvPath = ["cluster", "nodeCount"];
// @ts-expect-error no such key
export const unknownPath: EnvPath = ["cluster", "nmae"];

// A schema change changes the type: drop "premium" from the SKUs and the default of nodeCount.
export const CHANGED = {
  ...SCHEMA,
  fields: {
    ...SCHEMA.fields,
    keyVault: { ...SCHEMA.fields.keyVault, fields: { ...SCHEMA.fields.keyVault.fields, sku: { kind: "string", oneOf: ["standard"], default: "standard", doc: "SKU." } } },
    cluster: { ...SCHEMA.fields.cluster, fields: { ...SCHEMA.fields.cluster.fields, nodeCount: { kind: "integer", min: 1, max: 3, doc: "Nodes." } } },
  },
} as const satisfies ObjectField;
type Changed = Infer<typeof CHANGED>;
assertType<Equal<Changed["keyVault"]["sku"], "standard">>();
assertType<Equal<Changed["cluster"]["nodeCount"], number | undefined>>();
// @ts-expect-error "premium" is no longer an SKU of the changed schema
export const premium: Changed["keyVault"]["sku"] = "premium";

function problemsOf(raw: unknown): string[] {
  try {
    resolveConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("the configuration's types", () => {
  test("describe what the loader resolves: the backend narrows on type to its section", () => {
    const { config } = resolveConfig({ backend: { type: "azurerm", azurerm: { resourceGroupName: "rg-tfstate", storageAccountName: "sttfstate01" } } });
    expect(storage(config.backend)).toBe("sttfstate01");
    expect(storage(resolveConfig({}).config.backend)).toBeUndefined();
    expect(resolveConfig({}).config.backend).toEqual({ type: "local" });
  });

  test("fail when a backend has another type's section, whichever section it is (the schema's variants)", () => {
    expect(problemsOf({ backend: { type: "azurerm", pg: { schemaName: "s" } } })).toEqual([
      "backend.azurerm: is required with backend.type azurerm; add it with resourceGroupName and storageAccountName",
      "backend.pg: applies only to backend.type pg, not azurerm; remove it, or set backend.type to pg",
    ]);
    expect(problemsOf({ backend: { type: "cloud" } })).toEqual(["backend.cloud: is required with backend.type cloud; add it with organization and workspace"]);
    expect(problemsOf({ backend: { type: "pg", azurerm: { resourceGroupName: "rg", storageAccountName: "sttfstate01" } } })).toEqual([
      "backend.azurerm: applies only to backend.type azurerm, not pg; remove it, or set backend.type to azurerm",
    ]);
  });
});
