import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ARTICLE_SUPPRESSIONS } from "../lib/policy/article-exceptions";
import { policyMetadata } from "../lib/policy/record";
import { runPolicyReport } from "../lib/commands/policy";
import { DEFAULT_TF_JSON } from "../lib/policy/report";
import { builtCommand, scratchDir } from "./app-process";
import { Block, synthApp, withPlainStackTraces } from "./helpers";

/** Runs the report in `cwd` and captures what it prints. */
function report(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runPolicyReport({ args, cwd, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  // The line naming the file read is tested in faults.policy.test.ts.
  return { code, stdout, stderr: stderr.replace(/^policy: read .* \(synthesized [^)]*\)\n/, "") };
}

function write(dir: string, name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** The app's default stack as cdk.tf.json, with the article's suppressions recorded as synthesis records them. */
function articleJson(): Block {
  const tf = withPlainStackTraces(() => synthApp().stack.toTerraform()) as Block;
  return { ...tf, "//": { ...tf["//"], metadata: { ...tf["//"].metadata, ...policyMetadata(ARTICLE_SUPPRESSIONS) } } };
}

const literalSecret = {
  resource: {
    azurerm_key_vault_secret: {
      Secret: { "//": { metadata: { path: "app/Vault/Secret" } }, name: "s", value: "Hello!", content_type: "text/plain", expiration_date: "2030-01-01T00:00:00Z" },
    },
  },
};

let dir: string;
beforeEach(() => (dir = scratchDir("aks-wi-policy-")));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("reads cdktf.out's stack by default and prints every check as a table, with the reasons used", () => {
  write(dir, DEFAULT_TF_JSON, articleJson());
  const { code, stdout, stderr } = report(dir);
  expect([code, stderr]).toEqual([0, ""]);
  const lines = stdout.split("\n");
  expect(lines[0]).toMatch(/^id {13}severity {2}status {6}resource {2,}title$/);
  expect(lines[1]).toMatch(/^CKV_AZURE_141 {2}error {5}suppressed {2}aks-workload-identity\/Cluster\/Cluster +AKS local accounts must be disabled$/);
  expect(lines.filter((l) => / passed /.test(l)).map((l) => l.split(/ +/)[0])).toEqual([
    "CKV_AZURE_110",
    "AZU-0016",
    "AKSWI_001",
    "AKSWI_002",
    "AKSWI_003",
    "AKSWI_004",
    "AKSWI_004",
    "AKSWI_005",
    "AKSWI_005",
    "AKSWI_006",
  ]);
  expect(stdout).toContain("\nSuppressed:\n  CKV_AZURE_141: The article keeps local accounts");
  expect(stdout).not.toContain("records no suppressions");
  expect(stdout).not.toContain("Failed:");
  expect(stdout).not.toContain("Unknown until");
  expect(stdout.endsWith("\n24 rules: 8 passed, 16 suppressed, 0 failed, 0 unknown, 0 not applicable. 0 unsuppressed errors, 0 warnings, 0 unknown.\n")).toBe(true);
});

test("exits 1 on an unsuppressed error and says what was found and how to fix it, never the secret", () => {
  write(dir, "cdk.tf.json", literalSecret);
  const { code, stdout } = report(dir, "cdk.tf.json");
  expect(code).toBe(1);
  expect(stdout).toBe(
    [
      "id             severity  status  resource          title",
      "CKV_AZURE_114  error     passed  app/Vault/Secret  Key Vault secrets must have a content type",
      "CKV_AZURE_41   error     passed  app/Vault/Secret  Key Vault secrets must have an expiration date",
      "AKSWI_006      error     failed  app/Vault/Secret  A secret's value must come from an input variable, never a literal in the configuration",
      "",
      "Failed:",
      "  error   AKSWI_006 app/Vault/Secret: value is a literal; write value_wo = var.<ephemeral, sensitive variable> (RbacKeyVault with secretVariable does) and supply it as TF_VAR_<name>",
      "",
      "cdk.tf.json records no suppressions (it was not written by npm run synth), so none were accepted: every rule is enforced.",
      "",
      "24 rules: 2 passed, 0 suppressed, 1 failed, 0 unknown, 21 not applicable. 1 unsuppressed error, 0 warnings, 0 unknown.",
      "",
    ].join("\n"),
  );
});

test("exits 0 when only warnings fail, and counts them", () => {
  const pod = { resource: { kubernetes_pod_v1: { Pod: { spec: { container: [{ name: "app" }] } } } }, "//": { metadata: policyMetadata([]) } };
  const { code, stdout } = report(dir, write(dir, "pod.json", pod), "--json");
  expect(code).toBe(0);
  const parsed = JSON.parse(stdout);
  expect([parsed.errors, parsed.warnings, parsed.suppressionsFrom]).toEqual([0, 2, "recorded"]);
  expect(parsed.rows.map((r: Block) => [r.id, r.status, r.path])).toEqual([
    ["AKSWI_007", "failed", "kubernetes_pod_v1.Pod"],
    ["AKSWI_008", "failed", "kubernetes_pod_v1.Pod"],
  ]);
});

test("--json prints the checks, rule outcomes and unused suppressions", () => {
  const tf = articleJson();
  tf.resource.azurerm_kubernetes_cluster = Object.fromEntries(
    Object.entries(tf.resource.azurerm_kubernetes_cluster as Block).map(([k, v]) => [k, { ...(v as Block), local_account_disabled: true }]),
  );
  const { code, stdout } = report(dir, write(dir, "hardened.json", tf), "--json");
  expect(code).toBe(0);
  const parsed = JSON.parse(stdout);
  expect(parsed.unusedSuppressions.map((s: Block) => s.id)).toEqual(["CKV_AZURE_141"]);
  expect(parsed.rules.find((r: Block) => r.id === "CKV_AZURE_141")).toEqual({ id: "CKV_AZURE_141", outcome: "passed" });
  expect(parsed.rows[0]).toEqual({
    id: "CKV_AZURE_141",
    severity: "error",
    status: "passed",
    path: "aks-workload-identity/Cluster/Cluster",
    address: "azurerm_kubernetes_cluster.Cluster_3DA9CCBA",
    title: "AKS local accounts must be disabled",
  });
});

test("fails in one line, exit 2, for a missing file, a directory, and a file that is not JSON", () => {
  expect(report(dir)).toEqual({ code: 1, stdout: "", stderr: `policy: ${DEFAULT_TF_JSON} does not exist; run \`npm run synth\` first, or name a cdk.tf.json\n` });
  expect(report(dir, ".")).toEqual({ code: 1, stdout: "", stderr: "policy: . is a directory; name the cdk.tf.json inside it\n" });
  write(dir, "broken.json", "{");
  expect(report(dir, "broken.json").stderr).toMatch(/^policy: broken\.json is not valid JSON \(.+\)\n$/);
  write(dir, "list.json", "[]");
  expect(report(dir, "list.json").stderr).toBe("policy: list.json is not a synthesized stack: it holds a list, not an object; run `npm run synth` and name its cdk.tf.json\n");
});

test("fails, exit 1, when the file records a suppression without a reason", () => {
  write(dir, "bad.json", { "//": { metadata: { policy: { suppressions: [{ id: "CKV_AZURE_141", reason: "" }] } } }, resource: { random_id: { Suffix: { byte_length: 3 } } } });
  expect(report(dir, "bad.json")).toEqual({
    code: 1,
    stdout: "",
    stderr:
      'policy: bad.json records invalid suppressions: bad.json: //.metadata.policy.suppressions[0].reason: is required and must not be empty: every exception says why it is acceptable (got ""); write one sentence on what is deliberately omitted and why, or remove the suppression\n',
  });
});

test("fails, exit 2, for an unknown option", () => {
  expect(report(dir, "--strict")).toEqual({ code: 2, stdout: "", stderr: "policy: unknown option --strict; it takes --json, --sarif, --help (npm run policy -- --help)\n" });
});

test("exits 3, not 1, when no error fails but one is unknown until Terraform evaluates a value, and lists it apart", () => {
  const tf = { resource: { azurerm_key_vault_secret: { Secret: { ...literalSecret.resource.azurerm_key_vault_secret.Secret, value: undefined, value_wo: "${var.v}", expiration_date: "${var.expiry}" } } } };
  write(dir, "cdk.tf.json", { ...tf, "//": { metadata: policyMetadata([]) } });
  expect(report(dir, "cdk.tf.json").code).toBe(0); // content_type and expiration_date ask only that a value is set
  const pending = { resource: { azurerm_kubernetes_cluster: { Aks: { "//": { metadata: { path: "app/Aks" } }, local_account_disabled: "${var.local_disabled}" } } }, "//": { metadata: policyMetadata(ARTICLE_SUPPRESSIONS.filter((s) => s.id !== "CKV_AZURE_141")) } };
  write(dir, "pending.json", pending);
  const { code, stdout } = report(dir, "pending.json");
  expect(code).toBe(3);
  expect(stdout).toContain("CKV_AZURE_141  error     unknown     app/Aks");
  expect(stdout).toContain(
    '\nUnknown until Terraform evaluates the value (not failed; check the plan):\n  error   CKV_AZURE_141 app/Aks: local_account_disabled is "${var.local_disabled}"; set local_account_disabled = true',
  );
  expect(stdout).toMatch(/ 0 failed, 1 unknown, .* 0 unsuppressed errors, 0 warnings, 1 unknown\.\n$/);
  // An unsuppressed failure still decides the exit code.
  write(dir, "both.json", { ...pending, resource: { ...pending.resource, ...literalSecret.resource } });
  expect(report(dir, "both.json").code).toBe(1);
});

describe("as a command", () => {
  let bundle: string;
  beforeAll(() => {
    bundle = builtCommand("policy");
  });

  test("a missing file is one line on stderr, without a stack trace", () => {
    const run = spawnSync(process.execPath, [bundle, "nope.json"], { cwd: dir, encoding: "utf8" });
    expect([run.status, run.stdout, run.stderr]).toEqual([1, "", "policy: nope.json does not exist; run `npm run synth` first, or name a cdk.tf.json\n"]);
  });

  test("a reader that closes the pipe early is not an error", () => {
    // Large enough to overflow the pipe's buffer, so the write after `head` exits gets EPIPE.
    const assignments = Object.fromEntries(
      Array.from({ length: 2000 }, (_, i) => [`Grant${i}`, { principal_id: "${azurerm_user_assigned_identity.Id.principal_id}", role_definition_name: "Key Vault Secrets User", scope: "${azurerm_key_vault.Kv.id}" }]),
    );
    const file = write(dir, "big.json", { resource: { azurerm_role_assignment: assignments } });
    const run = spawnSync("sh", ["-c", `"${process.execPath}" "${bundle}" "${file}" --json | head -c 10`], { cwd: dir, encoding: "utf8" });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, '{\n  "file"', expect.stringMatching(/^policy: read .*big\.json \(synthesized [^)]*\)\n$/)]);
  });
});

test("prints a recorded suppression reason holding escape sequences as escapes on its one line", () => {
  const hostile = ARTICLE_SUPPRESSIONS.map((s, i) => (i === 0 ? { ...s, reason: "why\x1b[31m\r\u202eevil\u202c\nAKSWI_999: forged" } : s));
  const tf = articleJson();
  write(dir, "cdk.tf.json", { ...tf, "//": { ...tf["//"], metadata: { ...tf["//"].metadata, ...policyMetadata(hostile) } } });
  const { code, stdout } = report(dir, "cdk.tf.json");
  expect(code).toBe(0);
  // eslint-disable-next-line no-control-regex
  expect(stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\u202a-\u202e]/);
  expect(stdout).toContain(`  ${hostile[0].id}: why\\u001b[31m\\r\\u202eevil\\u202c\\nAKSWI_999: forged`);
  expect(stdout.split("\n").some((l) => l.startsWith("AKSWI_999"))).toBe(false);
});

test("fails closed on a stack whose suppression record was removed: no suppression is assumed (found by an attack)", () => {
  const tf = articleJson();
  const { policy: _removed, ...metadata } = tf["//"].metadata; // eslint-disable-line @typescript-eslint/no-unused-vars
  write(dir, "cdk.tf.json", { ...tf, "//": { ...tf["//"], metadata } });
  const { code, stdout } = report(dir, "cdk.tf.json", "--json");
  const parsed = JSON.parse(stdout);
  expect(code).toBe(1);
  expect(parsed.suppressionsFrom).toBe("none");
  expect(parsed.rows.filter((r: { status: string }) => r.status === "suppressed")).toEqual([]);
  expect(parsed.errors).toBeGreaterThanOrEqual(10);
});
