import { TerraformVariable } from "cdktf";
import { resolveConfig } from "../lib/config/load";
import { formatProblem } from "../lib/private/problems";
import { RbacKeyVault, RbacKeyVaultProps } from "../lib/rbac-key-vault";
import { FAKE_RESOURCE_GROUP, synthConstructs } from "./helpers";
import { configErrorOf, propsErrorOf, withoutPath } from "./props-errors";

const DEPLOYER = { tenantId: "00000000-0000-0000-0000-0000000000aa", objectId: "00000000-0000-0000-0000-0000000000bb" };
const VALID: RbacKeyVaultProps = { name: "kv-workload-id", resourceGroup: FAKE_RESOURCE_GROUP, deployer: DEPLOYER, secrets: [{ name: "my-secret", value: "Hello!" }] };
const NAME_26 = "kv-workload-identity-abcde";

const vaultError = (props: Partial<RbacKeyVaultProps>) =>
  propsErrorOf(() => synthConstructs((stack) => new RbacKeyVault(stack, "KeyVault", { ...VALID, ...props })));

describe("RbacKeyVault errors", () => {
  test("fails when the name is 26 characters long, with the words the configuration layer gives for keyVault.name", () => {
    expect(NAME_26).toHaveLength(26);
    const error = vaultError({ name: NAME_26 });
    expect(error.message).toBe(
      "Invalid construct props (1 problem):\n" +
        `  - stack/KeyVault.name: is 26 characters long; it must be 3-24 (got "${NAME_26}"); ` +
        "use 3-24 letters, digits and single hyphens, starting with a letter (the suffix counts 6 when random) " +
        "(rule: 3-24 characters: letters, digits and '-'; starts with a letter, ends with a letter or digit, no '--')",
    );
    const fromConfig = configErrorOf(() => resolveConfig({ suffix: "abc123", keyVault: { name: NAME_26 } })).problems.map(formatProblem);
    expect(fromConfig).toHaveLength(1);
    expect(withoutPath(formatProblem(error.problems[0]), "stack/KeyVault.name")).toBe(withoutPath(fromConfig[0], "keyVault.name"));
  });

  test("fails when an existing vault's name breaks the rule too", () => {
    const error = propsErrorOf(() => synthConstructs((stack) => RbacKeyVault.fromExisting(stack, "KeyVault", { ...VALID, name: "1kv" })));
    expect(error.problems.map((p) => [p.path, p.problem])).toEqual([["stack/KeyVault.name", "does not start with a letter"]]);
  });

  test("fails when the text around a token already breaks the rule, and skips what only the token decides", () => {
    const withToken = (name: (token: string) => string) =>
      synthConstructs((stack) => {
        const suffix = new TerraformVariable(stack, "suffix", { type: "string" }).stringValue;
        new RbacKeyVault(stack, "KeyVault", { ...VALID, name: name(suffix) });
      });
    expect(() => withToken((suffix) => `kv-${suffix}`)).not.toThrow();
    expect(() => withToken((suffix) => suffix)).not.toThrow();
    expect(propsErrorOf(() => withToken((suffix) => `kv-workload-identity-abcde${suffix}`)).problems.map((p) => p.problem)).toEqual([
      "is at least 26 characters long without the parts known only at apply; it must be 3-24",
    ]);
    expect(propsErrorOf(() => withToken((suffix) => `kv_${suffix}`)).problems.map((p) => p.problem)).toEqual([
      "contains a character other than letters, digits and '-'",
    ]);
  });

  test("reads Terraform's own ${…} written into a name as known only at apply, checking the text before it (was: refused for its '$')", () => {
    const named = (name: string) => synthConstructs((stack) => new RbacKeyVault(stack, "KeyVault", { ...VALID, name }));
    expect(() => named("kv-${random_id.suffix.hex}")).not.toThrow();
    expect(() => named("${var.vault_name}")).not.toThrow();
    expect(() => named('kv-%{ if var.prod }p%{ endif }')).not.toThrow();
    expect(propsErrorOf(() => named("kv-workload-identity-abcde${var.x}")).problems.map((p) => p.problem)).toEqual([
      "is at least 26 characters long without the parts known only at apply; it must be 3-24",
    ]);
    expect(propsErrorOf(() => named("kv_${var.x}")).problems.map((p) => p.problem)).toEqual(["contains a character other than letters, digits and '-'"]);
    // $${ is Terraform's escape for a literal ${: the '$' is in the name.
    expect(propsErrorOf(() => named("kv-$${x}")).problems.map((p) => p.problem)).toEqual(["contains a character other than letters, digits and '-'"]);
  });

  test("fails when secrets are missing, misnamed or share a key, listing every problem at once", () => {
    expect(vaultError({ secrets: [] }).message).toBe('Invalid construct props (1 problem):\n  - stack/KeyVault.secrets: is empty (got []); give at least one secret');
    const error = vaultError({
      name: "kv--x",
      secrets: [
        { name: "my_secret", value: "a" },
        { name: "db", value: "b" },
        { name: "db-copy", key: "db", value: "c" },
      ],
    });
    expect(error.message).toBe(
      "Invalid construct props (3 problems):\n" +
        `  - stack/KeyVault.name: contains '--' (got "kv--x"); use 3-24 letters, digits and single hyphens, starting with a letter (the suffix counts 6 when random) (rule: 3-24 characters: letters, digits and '-'; starts with a letter, ends with a letter or digit, no '--')\n` +
        `  - stack/KeyVault.secrets[0].name: contains a character other than letters, digits and '-' (got "my_secret"); use 1-127 letters, digits and '-' (rule: 1-127 characters: letters, digits and '-')\n` +
        `  - stack/KeyVault.secrets[2].key: is also the key of secrets[1] (got "db"); give each secret its own key`,
    );
  });

  test("fails when a secret's name is known only at apply and it has no key", () => {
    const error = propsErrorOf(() =>
      synthConstructs((stack) => {
        const name = new TerraformVariable(stack, "secret_name", { type: "string" }).stringValue;
        new RbacKeyVault(stack, "KeyVault", { ...VALID, secrets: [{ name, value: "a" }] });
      }),
    );
    expect(error.message).toBe("Invalid construct props (1 problem):\n  - stack/KeyVault.secrets[0].key: is missing, and the name is known only at apply; give the secret a key known at synth");
  });

  test("fails when a grant names a secret the vault does not hold", () => {
    expect(() =>
      synthConstructs((stack) => {
        const vault = new RbacKeyVault(stack, "KeyVault", VALID);
        vault.grantSecretRead({ node: stack.node, principalId: "p" } as never, "other");
      }),
    ).toThrow(new Error("stack/KeyVault: no secret with the key other; the vault holds my-secret"));
  });
});
