import * as fs from "fs";
import * as path from "path";
import { runApp, scratchDir, STACK_FILE } from "./app-process";

const dirs: string[] = [];
function dir(): string {
  const d = scratchDir();
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("the app (main.ts)", () => {
  test("writes byte-identical cdk.tf.json in any directory, on every run", () => {
    const [a, b] = [dir(), dir()];
    expect(runApp(a).status).toBe(0);
    expect(runApp(b).status).toBe(0);
    const first = fs.readFileSync(path.join(a, STACK_FILE));
    expect(fs.readFileSync(path.join(b, STACK_FILE)).equals(first)).toBe(true);
    expect(runApp(a).status).toBe(0);
    expect(fs.readFileSync(path.join(a, STACK_FILE)).equals(first)).toBe(true);
    expect(first.toString()).not.toContain(a);
    expect(first.toString()).not.toMatch(/"\/(tmp|home|root|work)\//);
  });

  test("reports a key holding a terminal escape, a carriage return or a newline as escapes, one problem per line", () => {
    const cwd = dir();
    fs.writeFileSync(path.join(cwd, "bad.yaml"), '"loca\\e[2Jtion\\r  - forged: fine\\n": eastus\nkeyVault:\n  "na\\u202eme": kv\n');
    const run = runApp(cwd, { AKS_WI_CONFIG: "bad.yaml", CLUSTER_NAME: "aks\x07" });
    expect(run.status).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(run.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\u202a-\u202e]/);
    expect(run.stderr.split("\n").filter((l) => l.startsWith("  - "))).toEqual([
      expect.stringMatching(/^ {2}- loca\\u001b\[2Jtion\\r {2}- forged: fine\\n: is not a known key/),
      expect.stringMatching(/^ {2}- cluster\.name \(from environment variable CLUSTER_NAME\): contains a character other than .* \(got "aks\\u0007"\)/),
      expect.stringMatching(/^ {2}- keyVault\.na\\u202eme: is not a known key/),
    ]);
  });

  test("fails with every bad field named, exit 1, and no cdktf.out", () => {
    const cwd = dir();
    fs.writeFileSync(
      path.join(cwd, "bad.yaml"),
      "keyVault:\n  name: keyvault-workload-i{suffix}\nworkloads:\n  - namespace: Apps\n    serviceAccount: sa\n    identity: id1\n",
    );
    const run = runApp(cwd, { AKS_WI_CONFIG: "bad.yaml", LOCATION: "" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.split(":")[0])).toEqual([
      "  - location (from environment variable LOCATION)",
      "  - keyVault.name",
      "  - workloads[0].namespace",
    ]);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    expect(fs.existsSync(path.join(cwd, "cdktf.out"))).toBe(false);
  });

  test("fails at synth, without a stack trace or output, when the security policy has unaccepted findings", () => {
    const cwd = dir();
    fs.writeFileSync(path.join(cwd, "strict.yaml"), "policy:\n  suppressions: []\n");
    const run = runApp(cwd, { AKS_WI_CONFIG: "strict.yaml" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Validation failed with the following errors:\n/);
    expect(run.stderr).toContain("CKV_AZURE_141 aks-workload-identity/Cluster/Cluster: AKS local accounts must be disabled");
    expect(run.stderr).toContain("Fix them, or accept one with a reason under policy.suppressions (help/policy.md).");
    expect(run.stderr).not.toMatch(/skipValidation|\bat .*\.js:\d+/);
    expect(fs.readdirSync(cwd)).toEqual(["strict.yaml"]);
  });

  test("synthesizes on a machine without Terraform on the PATH", () => {
    const cwd = dir();
    const run = runApp(cwd, { PATH: path.dirname(process.execPath) });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("synth: wrote cdktf.out/stacks/aks-workload-identity/cdk.tf.json (14 resources) from the defaults\n");
    expect(run.status).toBe(0);
    expect(fs.existsSync(path.join(cwd, STACK_FILE))).toBe(true);
  });

  test("honours the article's environment variables", () => {
    const cwd = dir();
    const run = runApp(cwd, { RANDOM_ID: "c0ffee", CLUSTER_NAME: "aks-{suffix}" });
    expect([run.status, run.stderr]).toEqual([0, ""]);
    // A fixed suffix leaves random_id out: one resource fewer than the defaults' 14.
    expect(run.stdout).toBe("synth: wrote cdktf.out/stacks/aks-workload-identity/cdk.tf.json (13 resources) from the defaults; environment overrides: RANDOM_ID, CLUSTER_NAME\n");
    const tf = JSON.parse(fs.readFileSync(path.join(cwd, STACK_FILE), "utf8"));
    expect(Object.values(tf.resource.azurerm_kubernetes_cluster).map((c) => (c as { name: string }).name)).toEqual(["aks-c0ffee"]);
  });
});
