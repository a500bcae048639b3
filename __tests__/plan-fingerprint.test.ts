import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { canonicalChanges, planFingerprint, SENSITIVE_MARKER, UNKNOWN_MARKER } from "../lib/review/plan-fingerprint";
import { PlanFormatError } from "../lib/review/plan-review";
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE, runPlanReview } from "../lib/commands/plan-review";

const FIXTURES = path.join(__dirname, "fixtures", "plans");
const FIXTURE_NAMES = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""));

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string): Json => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));
const changeOf = (plan: Json, address: string): Json => {
  const rc = plan.resource_changes.find((c: Json) => c.address === address);
  if (!rc) throw new Error(`no change for ${address}`);
  return rc;
};

const CLUSTER = "azurerm_kubernetes_cluster.Cluster_3DA9CCBA";
const SECRET = "azurerm_key_vault_secret.KeyVault_Secret_A88093D0";
const POD = "kubernetes_pod_v1.VerificationPod_48C43655";
const VAULT = "azurerm_key_vault.KeyVault_DE550064";

/** Values no fingerprint may depend on, or show. */
const CLIENT_KEY = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpjbHVzdGVyLWFkbWluLWtleQ==";
const SECRET_VALUE = "hunter2-production";

/**
 * `secret-version-bumped` as a real plan of a deployed stack also has it: the cluster's credentials
 * in `before` and `after` (the fixtures strip them), marked sensitive, and a sensitive tag.
 */
function withCredentials(clientKey = CLIENT_KEY, tagValue = "sensitive-tag"): Json {
  const plan = fixture("secret-version-bumped");
  const cluster = changeOf(plan, CLUSTER);
  cluster.change.actions = ["update"];
  for (const side of ["before", "after"] as const) {
    cluster.change[side] = {
      ...cluster.change[side],
      kube_config: [{ host: "https://aks.example.invalid:443", client_key: clientKey, username: "clusterAdmin" }],
      kube_config_raw: `apiVersion: v1\nusers:\n- user:\n    client-key-data: ${clientKey}\n`,
      tags: { team: side === "before" ? "a" : "b", owner: tagValue },
    };
    cluster.change[`${side}_sensitive`] = { kube_config: true, kube_config_raw: true, tags: { owner: true } };
  }
  return plan;
}

/** Every object's keys in reverse order, at every depth. */
function reversedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).reverse().map((key) => [key, reversedKeys(value[key])]));
}

describe("planFingerprint", () => {
  test("is 64 hex digits, the same for the same plan, and differs between the fixtures' plans", () => {
    const fingerprints = FIXTURE_NAMES.map((name) => planFingerprint(fixture(name)));
    for (const f of fingerprints) expect(f).toMatch(/^[0-9a-f]{64}$/);
    expect(FIXTURE_NAMES.map((name) => planFingerprint(fixture(name)))).toEqual(fingerprints);
    expect(new Set(fingerprints).size).toBe(FIXTURE_NAMES.length);
  });

  test("changes with a changed attribute value", () => {
    const plan = fixture("namespace-changed");
    const changed = fixture("namespace-changed");
    changeOf(changed, POD).change.after.metadata[0].namespace = "other";
    expect(planFingerprint(changed)).not.toBe(planFingerprint(plan));

    const before = fixture("secret-version-bumped");
    changeOf(before, SECRET).change.before.value_wo_version = 7;
    expect(planFingerprint(before)).not.toBe(planFingerprint(fixture("secret-version-bumped")));
  });

  test("changes with the actions, the reason or the paths that force a replacement", () => {
    const base = planFingerprint(fixture("namespace-changed"));
    const actions = fixture("namespace-changed");
    changeOf(actions, POD).change.actions = ["create", "delete"];
    const reason = fixture("namespace-changed");
    changeOf(reason, POD).action_reason = "replace_by_request";
    const paths = fixture("namespace-changed");
    changeOf(paths, POD).change.replace_paths = [["spec"]];
    const dropped = fixture("namespace-changed");
    dropped.resource_changes = dropped.resource_changes.filter((rc: Json) => rc.address !== POD);
    for (const plan of [actions, reason, paths, dropped]) expect(planFingerprint(plan)).not.toBe(base);
  });

  test("is the same whatever a sensitive value holds, before or after, null included", () => {
    const base = planFingerprint(withCredentials());
    expect(planFingerprint(withCredentials("c29tZSBvdGhlciBrZXk="))).toBe(base);
    expect(planFingerprint(withCredentials(CLIENT_KEY, "another-tag"))).toBe(base);
    const nulled = withCredentials();
    changeOf(nulled, CLUSTER).change.before.tags.owner = null;
    expect(planFingerprint(nulled)).toBe(base);
    // …but not when the value stops being sensitive: then it is a value like any other.
    const unmarked = withCredentials();
    changeOf(unmarked, CLUSTER).change.after_sensitive.tags = {};
    expect(planFingerprint(unmarked)).not.toBe(base);
  });

  test("never depends on the secret's value or the cluster's keys, even when a provider forgets to mark them", () => {
    const plan = (value: string, key: string) => {
      const p = withCredentials(key);
      const cluster = changeOf(p, CLUSTER);
      delete cluster.change.before_sensitive.kube_config;
      delete cluster.change.after_sensitive.kube_config_raw;
      const secret = changeOf(p, SECRET);
      secret.change.before.value = value;
      secret.change.after.value = value;
      secret.change.after.value_wo = value;
      return p;
    };
    expect(planFingerprint(plan("a", "b"))).toBe(planFingerprint(plan(SECRET_VALUE, CLIENT_KEY)));
  });

  test("writes no sensitive value into what it hashes", () => {
    const plan = withCredentials();
    const secret = changeOf(plan, SECRET);
    secret.change.after.value = SECRET_VALUE;
    const canonical = canonicalChanges(plan);
    for (const hidden of [CLIENT_KEY, SECRET_VALUE, "sensitive-tag", "clusterAdmin", "client-key-data"]) {
      expect(canonical).not.toContain(hidden);
    }
    expect(canonical).toContain(`"kube_config":${SENSITIVE_MARKER}`);
    expect(canonical).toContain(`"owner":${SENSITIVE_MARKER}`);
    expect(canonical).toContain(`"value":${SENSITIVE_MARKER}`);
    // What is not sensitive is there, so that it counts.
    expect(canonical).toContain(`"team":"b"`);
    expect(canonical).toContain(`"value_wo_version":2`);
  });

  test("is the same whatever the plan's key order or change order", () => {
    for (const name of FIXTURE_NAMES) {
      const plan = fixture(name);
      const shuffled = reversedKeys(plan);
      shuffled.resource_changes.reverse();
      expect(planFingerprint(shuffled)).toBe(planFingerprint(plan));
    }
    expect(planFingerprint(reversedKeys(withCredentials()))).toBe(planFingerprint(withCredentials()));
  });

  test("marks unknown values, whatever the plan writes in their place", () => {
    const plan = fixture("create-all");
    const base = planFingerprint(plan);
    expect(canonicalChanges(plan)).toContain(`"vault_uri":${UNKNOWN_MARKER}`);
    const filled = fixture("create-all");
    changeOf(filled, VAULT).change.after.vault_uri = "https://kv.vault.azure.net/";
    expect(planFingerprint(filled)).toBe(base);
    // Which values are unknown counts: a value that becomes known is a different plan.
    const known = fixture("create-all");
    delete changeOf(known, VAULT).change.after_unknown.vault_uri;
    changeOf(known, VAULT).change.after.vault_uri = "https://kv.vault.azure.net/";
    expect(planFingerprint(known)).not.toBe(base);
  });

  test("leaves out what applies nothing: no-op changes", () => {
    const plan = fixture("secret-version-bumped");
    const base = planFingerprint(plan);
    const cluster = changeOf(plan, CLUSTER);
    expect(cluster.change.actions).toEqual(["no-op"]);
    // A refreshing plan reads new values into resources it does not change.
    cluster.change.before = { ...cluster.change.before, current_kubernetes_version: "1.33.2" };
    cluster.change.after = { ...cluster.change.after, current_kubernetes_version: "1.33.2" };
    expect(planFingerprint(plan)).toBe(base);
    cluster.change.actions = ["update"];
    expect(planFingerprint(plan)).not.toBe(base);
  });

  test("keeps a no-op that imports or moves an object, which changes the state (where Terraform writes them)", () => {
    const plan = fixture("secret-version-bumped");
    const base = planFingerprint(plan);
    const imported = structuredClone(plan);
    changeOf(imported, CLUSTER).change.importing = { id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks" };
    const moved = structuredClone(plan);
    changeOf(moved, CLUSTER).previous_address = "azurerm_kubernetes_cluster.Old";
    expect(new Set([base, planFingerprint(imported), planFingerprint(moved)]).size).toBe(3);
    const otherId = structuredClone(imported);
    changeOf(otherId, CLUSTER).change.importing = { id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/other" };
    expect(planFingerprint(otherId)).not.toBe(planFingerprint(imported));
  });

  test("hides a scalar whose sensitivity mark is a list or object marking something, as the review does (found by an attack)", () => {
    const withName = (name: string) => {
      const plan = fixture("secret-version-bumped");
      const cluster = changeOf(plan, CLUSTER);
      cluster.change.actions = ["update"];
      cluster.change.after = { ...cluster.change.after, name };
      cluster.change.after_sensitive = { ...(cluster.change.after_sensitive ?? {}), name: [true] };
      return plan;
    };
    expect(planFingerprint(withName("A"))).toBe(planFingerprint(withName("B")));
    expect(canonicalChanges(withName("A"))).not.toContain('"name":"A"');
  });

  test("counts a key named __proto__ like any other (found by an attack: two such plans shared a fingerprint)", () => {
    const withTag = (owner: string) => {
      const plan = fixture("secret-version-bumped");
      const cluster = changeOf(plan, CLUSTER);
      cluster.change.actions = ["update"];
      // As JSON.parse reads a plan: __proto__ an own key of the tags object.
      cluster.change.after = { ...cluster.change.after, tags: JSON.parse(`{"__proto__": ${JSON.stringify(owner)}}`) };
      return plan;
    };
    expect(planFingerprint(withTag("owner-a"))).not.toBe(planFingerprint(withTag("owner-b")));
    expect(canonicalChanges(withTag("owner-a"))).toContain('"__proto__":"owner-a"');
  });

  test("cannot take a real value for a marker", () => {
    const sensitive = withCredentials();
    const literal = withCredentials();
    changeOf(literal, CLUSTER).change.after_sensitive.tags = {};
    changeOf(literal, CLUSTER).change.after.tags.owner = SENSITIVE_MARKER;
    expect(planFingerprint(literal)).not.toBe(planFingerprint(sensitive));
  });

  test("an empty plan has a fingerprint, the same as one whose changes are all no-ops", () => {
    const empty = { format_version: "1.2", planned_values: {} };
    const noOps = fixture("secret-version-bumped");
    noOps.resource_changes = noOps.resource_changes.filter((rc: Json) => rc.change.actions[0] === "no-op");
    expect(planFingerprint(noOps)).toBe(planFingerprint(empty));
  });

  test.each([
    ["a string", "plan", "not Terraform JSON output: expected an object with format_version (run `terraform show -json <planfile>`)"],
    ["a state", { format_version: "1.0", values: {} }, "not a plan (no resource_changes or planned_values): run `terraform show -json <planfile>`, not on the state"],
    ["changes that are not a list", { format_version: "1.2", resource_changes: {} }, "not a valid plan: resource_changes is not a list"],
    ["a change without actions", { format_version: "1.2", resource_changes: [{ address: "a.b", change: {} }] }, "not a valid plan: resource_changes[0] lacks address or change.actions"],
  ])("refuses %s", (_, input, message) => {
    expect(() => planFingerprint(input)).toThrow(new PlanFormatError(message));
  });
});

describe("plan-review --fingerprint", () => {
  const file = path.join(FIXTURES, "namespace-changed.json");

  function run(argv: string[]) {
    const out = { stdout: "", stderr: "", written: {} as Record<string, string> };
    const status = runPlanReview(argv, {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      writeFile: (name, text) => (out.written[name] = text),
    });
    return { status, ...out };
  }

  test("prints the fingerprint alone on one line, for a shell to compare", () => {
    expect(run(["--fingerprint", file])).toEqual({ status: EXIT_OK, stdout: `${planFingerprint(fixture("namespace-changed"))}\n`, stderr: "", written: {} });
  });

  test("writes it to --out FILE", () => {
    expect(run(["--fingerprint", "--out", "fp.txt", file]).written).toEqual({ "fp.txt": `${planFingerprint(fixture("namespace-changed"))}\n` });
  });

  test("reports a file that is not a plan as the review does", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-fingerprint-"));
    try {
      const state = path.join(dir, "state.json");
      fs.writeFileSync(state, '{"format_version":"1.0","values":{}}');
      expect(run(["--fingerprint", state])).toEqual({
        status: EXIT_ERROR,
        stdout: "",
        stderr: `plan-review: ${state} is not a plan (no resource_changes or planned_values): run \`terraform show -json <planfile>\`, not on the state\n`,
        written: {},
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("does not go with --fail-on-risk, which it would not check", () => {
    expect(run(["--fingerprint", "--fail-on-risk", file])).toEqual({
      status: EXIT_USAGE,
      stdout: "",
      stderr: "plan-review: --fail-on-risk and --fingerprint do not go together; give one\n",
      written: {},
    });
  });
});
