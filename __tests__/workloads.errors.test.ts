import { TerraformVariable } from "cdktf";
import { RbacKeyVault } from "../lib/rbac-key-vault";
import { WorkloadSpec, Workloads } from "../lib/workloads";
import { FAKE_ISSUER, FAKE_RESOURCE_GROUP, resources, synthConstructs } from "./helpers";
import { propsErrorOf } from "./props-errors";

const DEPLOYER = { tenantId: "00000000-0000-0000-0000-0000000000aa", objectId: "00000000-0000-0000-0000-0000000000bb" };
const build = (workloads: (token: string) => readonly WorkloadSpec[]) =>
  synthConstructs((stack) => {
    const keyVault = new RbacKeyVault(stack, "KeyVault", { name: "kv-apps", resourceGroup: FAKE_RESOURCE_GROUP, deployer: DEPLOYER, secrets: [{ name: "api-key", value: "a" }] });
    const token = new TerraformVariable(stack, "token", { type: "string" }).stringValue;
    new Workloads(stack, "Workloads", { cluster: FAKE_ISSUER, resourceGroup: FAKE_RESOURCE_GROUP, keyVault, workloads: workloads(token) });
  });
const sharing = (n: number): WorkloadSpec[] =>
  Array.from({ length: n }, (_, i) => ({ identityName: "id-shared", serviceAccountName: `sa-${i}`, federatedCredentialName: `fic-${i}` }));

describe("Workloads errors", () => {
  test("fails when there are no workloads", () => {
    expect(propsErrorOf(() => build(() => [])).message).toBe("Invalid construct props (1 problem):\n  - stack/Workloads.workloads: is empty (got []); give at least one workload");
  });

  test("fails when workloads break the naming rules or name a secret the vault lacks, listing every problem before making anything", () => {
    const error = propsErrorOf(() =>
      build(() => [
        { identityName: "id", serviceAccountName: "sa", federatedCredentialName: "fic", namespace: "Team-A" },
        { identityName: "id-ok", serviceAccountName: "sa-2", federatedCredentialName: "fic", secrets: ["api-key", "db-password"], tokenExpirationSeconds: 100000 },
      ]),
    );
    expect(error.message).toBe(
      "Invalid construct props (4 problems):\n" +
        `  - stack/Workloads.workloads[0].identityName: is 2 characters long; it must be 3-128 (got "id"); use 3-128 letters, digits, '-' and '_', starting with a letter or digit (rule: 3-128 characters: letters, digits, '-' and '_'; starts with a letter or digit)\n` +
        `  - stack/Workloads.workloads[0].namespace: is not lowercase letters, digits and '-' starting and ending with a letter or digit (got "Team-A"); use lowercase letters, digits and '-', e.g. "default" or "team-a" (rule: a DNS-1123 label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit)\n` +
        "  - stack/Workloads.workloads[1].tokenExpirationSeconds: is outside 3600-86400 (got 100000); give a whole number from 3600 to 86400\n" +
        '  - stack/Workloads.workloads[1].secrets[1]: is not the key of a secret in the vault (got "db-password"); use one of api-key',
    );
  });

  test("takes 20 workloads on one identity, and fails on the 21st, naming it", () => {
    expect(Object.keys(resources(build(() => sharing(20)).tf, "azurerm_federated_identity_credential"))).toHaveLength(20);
    expect(propsErrorOf(() => build(() => sharing(21))).message).toBe(
      "Invalid construct props (1 problem):\n" +
        '  - stack/Workloads.workloads[20].identityName: would be federated credential number 21 of this identity; Entra ID allows at most 20 per managed identity (got "id-shared"); ' +
        "federate some of these workloads with another identity",
    );
  });

  test("fails when a service account is bound twice, or two credentials of an identity share a name, listing both (was: the construct tree's 'There is already a Construct with name')", () => {
    const error = propsErrorOf(() =>
      build(() => [
        { identityName: "id-a", serviceAccountName: "sa", federatedCredentialName: "fic-1" },
        { identityName: "id-b", serviceAccountName: "sa", federatedCredentialName: "fic-2" },
        { identityName: "id-a", serviceAccountName: "sa-3", federatedCredentialName: "FIC-1" },
        { identityName: "id-a", serviceAccountName: "sa-4", federatedCredentialName: "fic-4", federatedCredentialKey: "fic-1" },
      ]),
    );
    expect(error.message).toBe(
      "Invalid construct props (3 problems):\n" +
        '  - stack/Workloads.workloads[1].serviceAccountName: duplicates workloads[0].serviceAccountName in namespace default: a service account carries one identity, and Entra rejects a second credential with the same issuer and subject (got "sa"); bind each service account once; change its name or namespace\n' +
        '  - stack/Workloads.workloads[2].federatedCredentialName: duplicates workloads[0].federatedCredentialName on the identity they share (got "FIC-1"); give each credential of an identity its own name\n' +
        "  - stack/Workloads.workloads[3].federatedCredentialKey: is also the key of workloads[0]'s credential on the identity they share (got \"fic-1\"); give each credential of an identity its own key",
    );
  });

  test("fails when a name is known only at apply and has no key", () => {
    const error = propsErrorOf(() => build((token) => [{ identityName: `id-${token}`, serviceAccountName: "sa", federatedCredentialName: "fic", namespace: token, namespaceKey: "apps" }]));
    expect(error.message).toBe("Invalid construct props (1 problem):\n  - stack/Workloads.workloads[0].identityKey: is missing, and the name is known only at apply; give a key known at synth");
  });
});
