import { TerraformVariable } from "cdktf";
import { FederatedIdentity, FederatedIdentityProps, MAX_CREDENTIALS_PER_IDENTITY, ServiceAccountBinding } from "../lib/federated-identity";
import { FAKE_ISSUER, FAKE_RESOURCE_GROUP, resources, synthConstructs } from "./helpers";
import { propsErrorOf } from "./props-errors";

const account = (i: number): ServiceAccountBinding => ({ name: `sa-${i}`, federatedCredentialName: `fic-${i}` });
const accounts = (n: number) => Array.from({ length: n }, (_, i) => account(i));
const PROPS: FederatedIdentityProps = { cluster: FAKE_ISSUER, resourceGroup: FAKE_RESOURCE_GROUP, identityName: "myIdentity" };
const LIMIT_LINE =
  "  - stack/Workload.serviceAccounts[20]: would be federated credential number 21 of this identity; Entra ID allows at most 20 per managed identity; " +
  "federate the other service accounts with another identity";

describe("FederatedIdentity errors", () => {
  test("takes 20 service accounts, Entra ID's limit per identity", () => {
    expect(MAX_CREDENTIALS_PER_IDENTITY).toBe(20);
    const { tf } = synthConstructs((stack) => new FederatedIdentity(stack, "Workload", { ...PROPS, serviceAccounts: accounts(20) }));
    expect(Object.keys(resources(tf, "azurerm_federated_identity_credential"))).toHaveLength(20);
  });

  test("fails when given 21 service accounts", () => {
    const error = propsErrorOf(() => synthConstructs((stack) => new FederatedIdentity(stack, "Workload", { ...PROPS, serviceAccounts: accounts(21) })));
    expect(error.message).toBe(`Invalid construct props (1 problem):\n${LIMIT_LINE}`);
  });

  test("fails when a 21st service account is bound, after 20 were", () => {
    synthConstructs((stack) => {
      const identity = new FederatedIdentity(stack, "Workload", PROPS);
      for (const binding of accounts(20)) identity.bind(binding);
      expect(identity.serviceAccounts).toHaveLength(20);
      expect(propsErrorOf(() => identity.bind(account(20))).message).toBe(`Invalid construct props (1 problem):\n${LIMIT_LINE}`);
      expect(identity.serviceAccounts).toHaveLength(20);
    });
  });

  test("fails when names break Kubernetes' and Azure's rules, listing every problem at once", () => {
    const error = propsErrorOf(() =>
      synthConstructs(
        (stack) =>
          new FederatedIdentity(stack, "Workload", {
            ...PROPS,
            identityName: "-id",
            serviceAccounts: [{ name: "Workload_SA", namespace: "team.a", federatedCredentialName: "f", tenantId: "tenant", tokenExpirationSeconds: 60 }],
          }),
      ),
    );
    expect(error.message).toBe(
      "Invalid construct props (6 problems):\n" +
        `  - stack/Workload.identityName: does not start with a letter or digit (got "-id"); use 3-128 letters, digits, '-' and '_', starting with a letter or digit (rule: 3-128 characters: letters, digits, '-' and '_'; starts with a letter or digit)\n` +
        `  - stack/Workload.serviceAccounts[0].name: is not dot-separated labels of lowercase letters, digits and '-' starting and ending with a letter or digit (got "Workload_SA"); use lowercase letters, digits, '-' and '.', e.g. "workload-identity-sa" (rule: a DNS-1123 subdomain: 1-253 characters, dot-separated lowercase labels of letters, digits and '-')\n` +
        `  - stack/Workload.serviceAccounts[0].namespace: is not lowercase letters, digits and '-' starting and ending with a letter or digit (got "team.a"); use lowercase letters, digits and '-', e.g. "default" or "team-a" (rule: a DNS-1123 label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit)\n` +
        `  - stack/Workload.serviceAccounts[0].federatedCredentialName: is 1 character long; it must be 3-120 (got "f"); use 3-120 letters, digits, '-' and '_', starting with a letter or digit (rule: 3-120 characters: letters, digits, '-' and '_'; starts with a letter or digit)\n` +
        `  - stack/Workload.serviceAccounts[0].tenantId: is 6 characters long; it must be 36 (got "tenant"); use the tenant id from \`az account show --query tenantId -o tsv\` (rule: a UUID, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47)\n` +
        "  - stack/Workload.serviceAccounts[0].tokenExpirationSeconds: is outside 3600-86400 (got 60); give a whole number from 3600 to 86400",
    );
  });

  test("fails when two credentials of the identity have one name, by props and by bind (was: synthesized, for Azure to refuse at apply)", () => {
    const line = '  - stack/Workload.serviceAccounts[1].federatedCredentialName: duplicates serviceAccounts[0].federatedCredentialName on this identity (got "FIC-0"); give each credential of an identity its own name';
    const byProps = propsErrorOf(() => synthConstructs((stack) => new FederatedIdentity(stack, "Workload", { ...PROPS, serviceAccounts: [account(0), { name: "sa-1", federatedCredentialName: "FIC-0" }] })));
    expect(byProps.message).toBe(`Invalid construct props (1 problem):\n${line}`);
    synthConstructs((stack) => {
      const identity = new FederatedIdentity(stack, "Workload", PROPS);
      identity.bind(account(0));
      expect(propsErrorOf(() => identity.bind({ name: "sa-1", federatedCredentialName: "FIC-0" })).message).toBe(`Invalid construct props (1 problem):\n${line}`);
      expect(identity.serviceAccounts).toHaveLength(1);
      identity.bind(account(1));
      expect(identity.serviceAccounts).toHaveLength(2);
    });
  });

  test("fails when two bindings have one id, by props and by bind (was: the construct tree's 'There is already a Construct with name')", () => {
    const error = propsErrorOf(() =>
      synthConstructs((stack) => new FederatedIdentity(stack, "Workload", { ...PROPS, serviceAccounts: [account(0), { name: "sa-0", federatedCredentialName: "fic-1" }, { ...account(2), id: "default-sa-0" }] })),
    );
    expect(error.message).toBe(
      "Invalid construct props (2 problems):\n" +
        '  - stack/Workload.serviceAccounts[1].id: is also the id of serviceAccounts[0] (an id is the namespace and name, when not given) (got "default-sa-0"); bind each service account once, and give each binding its own id\n' +
        '  - stack/Workload.serviceAccounts[2].id: is also the id of serviceAccounts[0] (got "default-sa-0"); bind each service account once, and give each binding its own id',
    );
    synthConstructs((stack) => {
      const identity = new FederatedIdentity(stack, "Workload", { ...PROPS, serviceAccounts: [account(0)] });
      expect(propsErrorOf(() => identity.bind({ name: "sa-0", federatedCredentialName: "fic-1" })).problems.map((p) => p.path)).toEqual(["stack/Workload.serviceAccounts[1].id"]);
      identity.bind({ name: "sa-0", namespace: "apps", federatedCredentialName: "fic-1" });
      expect(identity.serviceAccounts).toHaveLength(2);
    });
  });

  test("fails when a service account's name is known only at apply and the binding has no id", () => {
    const error = propsErrorOf(() =>
      synthConstructs((stack) => {
        const name = new TerraformVariable(stack, "sa_name", { type: "string" }).stringValue;
        new FederatedIdentity(stack, "Workload", { ...PROPS, serviceAccounts: [{ name, federatedCredentialName: "fic" }] });
      }),
    );
    expect(error.message).toBe("Invalid construct props (1 problem):\n  - stack/Workload.serviceAccounts[0].id: is missing, and the namespace or name is known only at apply; give the binding an id known at synth");
  });
});
