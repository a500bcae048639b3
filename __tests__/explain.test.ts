import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { configCommand } from "../lib/commands/config";

function explain(env: Record<string, string>, json = false, cwd = os.tmpdir()) {
  let stdout = "";
  let stderr = "";
  const code = configCommand(json ? ["--json"] : [], { env, cwd, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr, lines: stdout.split("\n") };
}

describe("npm run config (configCommand)", () => {
  test("lists every key with its value and where it came from", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-explain-"));
    fs.writeFileSync(path.join(dir, "c.yaml"), "location: westeurope\nsuffix: abc123\n");
    const { code, lines } = explain({ AKS_WI_CONFIG: "c.yaml", CLUSTER_NAME: "aks-{suffix}" }, false, dir);
    fs.rmSync(dir, { recursive: true });
    expect(code).toBe(0);
    const row = (key: string) => lines.find((l) => l.startsWith(`${key} `))?.split(/\s{2,}/);
    expect(row("location")).toEqual(["location", "westeurope", "file c.yaml"]);
    expect(row("cluster.name")).toEqual(["cluster.name", "aks-{suffix} = aks-abc123", "environment variable CLUSTER_NAME"]);
    expect(row("keyVault.name")).toEqual(["keyVault.name", "kv-workload-id{suffix} = kv-workload-idabc123", "default"]);
    expect(row("cluster.dnsPrefix")?.[2]).toMatch(/^derived from `cluster.name`/);
    expect(row("workloads[0].identity")).toEqual(["workloads[0].identity", "myIdentity{suffix} = myIdentityabc123", "default"]);
  });

  test("says the suffix is random when it is not fixed", () => {
    const { lines } = explain({});
    expect(lines.find((l) => l.startsWith("suffix "))).toMatch(/random: 6 hex characters drawn at the first apply/);
  });

  test("prints JSON with --json", () => {
    const { code, stdout } = explain({ LOCATION: "North Europe" }, true);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(parsed.config.location).toBe("northeurope");
    expect(parsed.values).toContainEqual({ path: "location", value: "northeurope", source: "environment variable LOCATION" });
  });

  test("fails with the same errors as synthesis", () => {
    const { code, stdout, stderr } = explain({ KEYVAULT_NAME: "1kv" });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^Invalid configuration \(1 problem\):\n {2}- keyVault\.name \(from environment variable KEYVAULT_NAME\): does not start with a letter/);
  });

  test("prints a value holding escape sequences, a carriage return or a bidi override as escapes, one row per key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-explain-"));
    const reason = "ok\x1b[2J\rCKV_AZURE_4  fine \u202eesiw\u202c\nmore";
    fs.writeFileSync(path.join(dir, "c.json"), JSON.stringify({ policy: { suppressions: [{ id: "CKV_AZURE_4", reason }] } }));
    const { code, stdout, lines } = explain({ AKS_WI_CONFIG: "c.json" }, false, dir);
    const json = explain({ AKS_WI_CONFIG: "c.json" }, true, dir);
    fs.rmSync(dir, { recursive: true });
    expect(code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\u202a-\u202e]/);
    expect(lines.filter((l) => l.startsWith("policy.suppressions[0].reason "))).toEqual([
      expect.stringContaining("ok\\u001b[2J\\rCKV_AZURE_4  fine \\u202eesiw\\u202c\\nmore"),
    ]);
    expect(lines.some((l) => l.startsWith("more"))).toBe(false);
    // --json keeps the value exactly (JSON's own escapes), so a machine reads what was configured.
    expect(JSON.parse(json.stdout).config.policy.suppressions[0].reason).toBe(reason);
  });
});

