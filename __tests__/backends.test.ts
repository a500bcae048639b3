import { ConfigError, formatProblem } from "../lib/config/errors";
import { resolveConfig } from "../lib/config/load";
import { synthApp } from "./helpers";

function problemsOf(raw: unknown): string[] {
  try {
    resolveConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("state backends", () => {
  test("default to a local file beside cdktf.json, by a relative path", () => {
    expect(synthApp().tf.terraform.backend).toEqual({ local: { path: "../../../terraform.aks-workload-identity.tfstate" } });
  });

  test("use an Azure storage blob with Entra ID authentication", () => {
    const { tf } = synthApp({ backend: { type: "azurerm", azurerm: { resourceGroupName: "rg-tfstate", storageAccountName: "sttfstate01" } } });
    expect(tf.terraform.backend).toEqual({
      azurerm: { resource_group_name: "rg-tfstate", storage_account_name: "sttfstate01", container_name: "tfstate", key: "aks-workload-identity.tfstate", use_azuread_auth: true },
    });
  });

  test("use an HCP Terraform workspace", () => {
    const { tf } = synthApp({ backend: { type: "cloud", cloud: { organization: "contoso", workspace: "aks-prod" } } });
    expect(tf.terraform.cloud).toEqual({ organization: "contoso", workspaces: { name: "aks-prod" } });
  });

  test("use PostgreSQL with the connection string left to PG_CONN_STR, out of the configuration", () => {
    const { tf, json } = synthApp({ backend: { type: "pg" } });
    expect(tf.terraform.backend).toEqual({ pg: { schema_name: "terraform_remote_state" } });
    expect(json).not.toMatch(/conn_str|postgres:\/\//);
  });

  test("fail when a backend's settings are missing, misplaced or invalid", () => {
    expect(problemsOf({ backend: { type: "azurerm" } })).toEqual(["backend.azurerm: is required with backend.type azurerm; add it with resourceGroupName and storageAccountName"]);
    expect(problemsOf({ backend: { type: "local", cloud: { organization: "o", workspace: "w" } } })).toEqual([
      "backend.cloud: applies only to backend.type cloud, not local; remove it, or set backend.type to cloud",
    ]);
    expect(problemsOf({ backend: { type: "azurerm", azurerm: { resourceGroupName: "rg", storageAccountName: "St_State", containerName: "TF" } } })).toEqual([
      'backend.azurerm.storageAccountName: is not lowercase letters and digits (got "St_State"); use 3-24 lowercase letters and digits, e.g. "sttfstate7f3a9c" (rule: 3-24 lowercase letters and digits)',
      "backend.azurerm.containerName: is 2 characters long; it must be 3-63 (got \"TF\"); use lowercase letters, digits and single hyphens, e.g. \"tfstate\" (rule: 3-63 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit)",
    ]);
    expect(problemsOf({ backend: { type: "s3" } })).toEqual(['backend.type: is not one of local, azurerm, cloud, pg (got "s3"); use one of local, azurerm, cloud, pg']);
  });
});
