import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import YAML from "yaml";
import { Construct } from "constructs";
import { LegacyMoves, legacyAddress } from "../lib/private/legacy-addresses";
import { stableKey } from "../lib/private/stable-key";
import { Id } from "@cdktf/provider-random/lib/id";
import { Block, renderOnlyApp, synthApp } from "./helpers";

/**
 * Resource addresses come from stable keys: the name Azure or Kubernetes sees, case folded, with a
 * fixed suffix written back as {suffix}. Real Terraform applies the release-b0cba75 configurations
 * and plans the migration (__tests__/terraform/migration.test.ts); these tests hold the addresses.
 */
const LEGACY = path.join(__dirname, "terraform", "fixtures", "release-b0cba75");

/** Every resource of a synthesized configuration, `type.logicalId` → body. */
function addresses(tf: Block): Map<string, Block> {
  return new Map(Object.entries(tf.resource as Record<string, Record<string, Block>>).flatMap(([type, byId]) => Object.entries(byId).map(([id, body]) => [`${type}.${id}`, body])));
}

/**
 * What names the object a resource manages: its name (for a Kubernetes object, name and namespace;
 * for a role assignment, the role), with references to other resources blanked, since those differ
 * by construction. Other arguments may change between releases without making it another object.
 */
function objectOf(body: Block): unknown {
  const { name, metadata, role_definition_name, principal_type } = body;
  const blanked = JSON.stringify({ name, metadata: metadata && { name: metadata.name, namespace: metadata.namespace }, role_definition_name, principal_type });
  return JSON.parse(blanked.replace(/\$\{[a-z_0-9]+\.[A-Za-z0-9_-]+/g, "${ref"));
}

describe("stableKey", () => {
  test.each([
    ["myIdentity{suffix}", undefined, "myidentity{suffix}"],
    ["myIdentity{suffix}", "a1b2c3", "myidentity{suffix}"],
    ["myIdentitya1b2c3", "a1b2c3", "myidentity{suffix}"],
    ["MYIDENTITYA1B2C3", "a1b2c3", "myidentity{suffix}"],
    ["id-team-a", "a1b2c3", "id-team-a"],
    ["id-team-a", undefined, "id-team-a"],
  ])("keys %s (suffix %s) as %s", (template, suffix, key) => {
    expect(stableKey(template, suffix)).toBe(key);
  });

  test("keys names that differ as different keys", () => {
    expect(stableKey("myIdentity{suffix}", undefined)).not.toBe(stableKey("myIdentity", undefined));
    expect(stableKey("id-{suffix}", "abc")).not.toBe(stableKey("id-abd", "abc"));
  });
});

describe("the stack's addresses", () => {
  test("are the same for the issue's spelling of the default names (RANDOM_ID=a1b2c3 and the names written out)", () => {
    const templates = synthApp({}, { RANDOM_ID: "a1b2c3" }).tf;
    const written = synthApp({}, { RANDOM_ID: "a1b2c3", USER_ASSIGNED_IDENTITY_NAME: "myIdentitya1b2c3", SERVICE_ACCOUNT_NAME: "workload-identity-saa1b2c3" }).tf;
    expect([...addresses(written).keys()]).toEqual([...addresses(templates).keys()]);
    // Not just the addresses: the same configuration, so the plan is empty.
    expect(JSON.stringify(written.resource)).toBe(JSON.stringify(templates.resource));
  });

  test("stay when a random suffix is pinned to its value: only the random_id goes", () => {
    const random = addresses(synthApp({}).tf);
    const pinned = addresses(synthApp({}, { RANDOM_ID: "a1b2c3" }).tf);
    expect([...random.keys()].filter((a) => !pinned.has(a))).toEqual(["random_id.Suffix"]);
    expect([...pinned.keys()].filter((a) => !random.has(a))).toEqual([]);
  });

  test("of a service account stay when its identity is renamed, so Kubernetes never sees it created twice", () => {
    const accounts = (identity: string) =>
      Object.keys(synthApp({ suffix: "a1b2c3", workloads: [{ serviceAccount: "api", identity, federatedCredential: "fic-api" }] }).tf.resource.kubernetes_service_account_v1);
    expect(accounts("id-api-v2")).toEqual(accounts("id-api"));
    const identities = (identity: string) =>
      Object.keys(synthApp({ suffix: "a1b2c3", workloads: [{ serviceAccount: "api", identity }] }).tf.resource.azurerm_user_assigned_identity);
    expect(identities("id-api-v2")).not.toEqual(identities("id-api"));
  });

  test("of the remaining workloads stay when one is removed from the middle", () => {
    const workloads = ["a", "b", "c"].map((t) => ({ namespace: `team-${t}`, serviceAccount: "app", identity: `id-${t}` }));
    const all = addresses(synthApp({ suffix: "a1b2c3", workloads }).tf);
    const without = addresses(synthApp({ suffix: "a1b2c3", workloads: [workloads[0], workloads[2]] }).tf);
    const gone = [...all.keys()].filter((a) => !without.has(a));
    expect([...without.keys()].filter((a) => !all.has(a))).toEqual([]);
    const named = (a: string) => `${a.split(".")[0]} ${all.get(a)?.name ?? all.get(a)?.metadata?.name ?? all.get(a)?.role_definition_name}`;
    expect(gone.map(named).sort()).toEqual([
      "azurerm_federated_identity_credential fic-team-b-app",
      "azurerm_role_assignment Key Vault Secrets User",
      "azurerm_user_assigned_identity id-b",
      "kubernetes_namespace_v1 team-b",
      "kubernetes_service_account_v1 app",
    ]);
  });
});

describe("moves from release b0cba75's addresses", () => {
  test.each([
    ["default", {}],
    ["teams", "teams.yaml"],
  ] as const)("name every old address of the %s configuration that is gone, and move it to the same object", (name, config) => {
    const raw = typeof config === "string" ? YAML.parse(fs.readFileSync(path.join(LEGACY, config), "utf8")) : config;
    const old = addresses(JSON.parse(fs.readFileSync(path.join(LEGACY, `${name}.cdk.tf.json`), "utf8")));
    const { tf } = synthApp(raw);
    const current = addresses(tf);
    const moved = new Map((tf.moved as Array<{ from: string; to: string }>).map((m) => [m.from, m.to]));
    const gone = [...old.keys()].filter((a) => !current.has(a));
    expect(gone.length).toBeGreaterThan(0);
    expect([...moved.keys()].sort()).toEqual(gone.sort());
    for (const [from, to] of moved) {
      expect(to.split(".")[0]).toBe(from.split(".")[0]);
      expect(objectOf(current.get(to)!)).toEqual(objectOf(old.get(from)!));
    }
  });

  test("pin an address that release computed, so a change to cdktf's id function cannot pass unseen", () => {
    expect(legacyAddress("azurerm_user_assigned_identity", ["Workload-myIdentity", "Identity"])).toBe("azurerm_user_assigned_identity.Workload-myIdentity_343B13A4");
    expect(legacyAddress("kubernetes_namespace_v1", ["Namespace-team-b"])).toBe("kubernetes_namespace_v1.Namespace-team-b");
  });

  test("leave out a move whose old address is declared, or that two resources claim", () => {
    const stack = new TerraformStack(renderOnlyApp(), "stack");
    const moves = new LegacyMoves(stack, "Moves");
    const scope = new Construct(stack, "Scope");
    const [a, b, c, d] = ["A", "B", "C", "D"].map((id) => new Id(scope, id, { byteLength: 3 }));
    moves.record(a, ["Old"]);
    moves.record(b, ["Shared"]);
    moves.record(c, ["Shared"]);
    moves.record(d, ["Scope", "A"]);
    moves.finish(new Set([a, b, c, d].map((r) => `random_id.${r.friendlyUniqueId}`)));
    expect(moves.toTerraform()).toEqual({ moved: [{ from: "random_id.Old", to: `random_id.${a.friendlyUniqueId}` }] });
  });

  test("write nothing when nothing moved", () => {
    const moves = new LegacyMoves(new TerraformStack(renderOnlyApp(), "stack"), "Moves");
    moves.finish(new Set());
    expect(moves.toTerraform()).toEqual({});
  });
});
