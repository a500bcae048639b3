import Ajv from "ajv-draft-04";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Log, Result } from "sarif";
import { ARTICLE_SUPPRESSIONS } from "../lib/policy/article-exceptions";
import { peerUrl } from "../lib/policy/peers";
import { policyMetadata } from "../lib/policy/record";
import { runPolicyReport } from "../lib/commands/policy";
import { buildReport } from "../lib/policy/report";
import { RULES } from "../lib/policy/rules";
import { artifactUri, keyPosition, sarifLog } from "../lib/policy/sarif";
import { builtCommand, cleanEnv, scratchDir } from "./app-process";
import { Block, synthApp, withPlainStackTraces } from "./helpers";

/**
 * `npm run policy -- --sarif`: SARIF 2.1.0 for GitHub code scanning. The schema is the OASIS SARIF
 * 2.1.0 JSON schema (draft-04) as Microsoft's SARIF SDK ships it in @microsoft/jest-sarif (MIT), read
 * from node_modules: nothing is fetched.
 */

const validate = (() => {
  // The schema's language-tag pattern is not valid under the `u` flag; ajv's own formats package is not
  // installed, so the URI formats are checked here with the WHATWG URL parser.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat("uri", (value: string) => URL.canParse(value));
  ajv.addFormat("uri-reference", (value: string) => URL.canParse(value, "file:///repository/"));
  ajv.addFormat("date-time", (value: string) => !Number.isNaN(Date.parse(value)));
  return ajv.compile(JSON.parse(fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")));
})();

function expectValidSarif(log: unknown): void {
  const valid = validate(log);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

/** The app's default stack as cdk.tf.json writes it, with the article's suppressions recorded. */
function articleJson(): Block {
  const tf = withPlainStackTraces(() => synthApp().stack.toTerraform()) as Block;
  return { ...tf, "//": { ...tf["//"], metadata: { ...tf["//"].metadata, ...policyMetadata(ARTICLE_SUPPRESSIONS) } } };
}

/** The article's stack with the suppressions of CKV_AZURE_141 and CKV_AZURE_170 removed, and its tier from a variable. */
function findingsJson(): Block {
  const tf = articleJson();
  const [name, cluster] = Object.entries(tf.resource.azurerm_kubernetes_cluster as Block)[0];
  tf.resource.azurerm_kubernetes_cluster = { [name]: { ...cluster, sku_tier: "${var.tier}" } };
  tf["//"].metadata.policy.suppressions = ARTICLE_SUPPRESSIONS.filter((s) => s.id !== "CKV_AZURE_141" && s.id !== "CKV_AZURE_170");
  return tf;
}

let dir: string;
beforeEach(() => (dir = scratchDir("aks-wi-sarif-")));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, tf: Block): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(tf, null, 2)}\n`);
  return file;
}

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runPolicyReport({ args, cwd: dir, env: {}, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  // The line naming the file read is tested in faults.policy.test.ts.
  return { code, stdout, stderr: stderr.replace(/^policy: read .* \(synthesized [^)]*\)\n/, "") };
}

describe("the SARIF log", () => {
  test("validates against the SARIF 2.1.0 schema, for a clean stack and for one with failures and unknowns", () => {
    write("clean.json", articleJson());
    write("findings.json", findingsJson());
    for (const file of ["clean.json", "findings.json"]) {
      const { stdout, stderr } = run(file, "--sarif");
      expect(stderr).toBe("");
      expectValidSarif(JSON.parse(stdout));
    }
  });

  test("the validator is able to fail: a result with a level SARIF does not have, or without a message, is rejected", () => {
    write("findings.json", findingsJson());
    const log = JSON.parse(run("findings.json", "--sarif").stdout) as Log;
    const results = log.runs[0].results as Result[];
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [{ ...results[0], level: "fatal" }] }] })).toBe(false);
    const withoutMessage: Partial<Result> = { ...results[0] };
    delete withoutMessage.message;
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [withoutMessage] }] })).toBe(false);
    expect(validate({ ...log, version: "2.0.0" })).toBe(false);
  });

  test("declares every rule with its help, its default level and a link to the peer's definition at the matched commit", () => {
    write("clean.json", articleJson());
    const log = JSON.parse(run("clean.json", "--sarif").stdout) as Log;
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe("aks-workload-identity-policy");
    expect(driver.rules?.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const byId = new Map(driver.rules?.map((r) => [r.id, r]));
    expect(byId.get("CKV_AZURE_141")).toMatchObject({
      shortDescription: { text: "AKS local accounts must be disabled" },
      helpUri: "https://github.com/bridgecrewio/checkov/blob/03d5fdad8d6154b1565799a7b1fb8070c158866f/checkov/terraform/checks/resource/azure/AKSLocalAdminDisabled.py",
      defaultConfiguration: { level: "error" },
    });
    expect(byId.get("AZU-0016")?.helpUri).toBe("https://github.com/aquasecurity/trivy-checks/blob/80e5382269707262f35cf893bdc0805cb72217e9/checks/cloud/azure/keyvault/no_purge.rego");
    for (const rule of RULES) {
      const declared = byId.get(rule.id);
      expect(declared?.help?.markdown).toContain(rule.rationale);
      expect(declared?.help?.text).toContain(`Fix: ${rule.fix}.`);
      if (rule.peer) expect(declared?.helpUri).toBe(peerUrl(rule.peer));
    }
    expect(byId.get("AKSWI_007")?.defaultConfiguration?.level).toBe("warning");
    // Outside GitHub Actions there is no absolute address for help/policy.md.
    expect(byId.get("AKSWI_001")?.helpUri).toBeUndefined();
  });

  test("in GitHub Actions, help links to help/policy.md at the commit checked out", () => {
    write("clean.json", articleJson());
    let stdout = "";
    const env = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "contoso/aks-wi", GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" };
    runPolicyReport({ args: ["clean.json", "--sarif"], cwd: dir, env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => undefined } });
    const rules = (JSON.parse(stdout) as Log).runs[0].tool.driver.rules ?? [];
    const docs = "https://github.com/contoso/aks-wi/blob/0123456789abcdef0123456789abcdef01234567/help/policy.md";
    expect(rules.find((r) => r.id === "AKSWI_001")?.helpUri).toBe(docs);
    expect(rules.find((r) => r.id === "CKV_AZURE_141")?.help?.markdown).toContain(`[help/policy.md](${docs})`);
  });

  test("has a result for each unsuppressed failure and unknown check, at the resource's line in the synthesized file, named by its construct path", () => {
    const file = write("cdktf.out/stacks/aks-workload-identity/cdk.tf.json", findingsJson());
    const text = fs.readFileSync(file, "utf8");
    const log = JSON.parse(run("--sarif").stdout) as Log;
    const results = log.runs[0].results ?? [];
    expect(results.map((r) => [r.ruleId, r.kind, r.level])).toEqual([
      ["CKV_AZURE_141", "fail", "error"],
      ["CKV_AZURE_170", "open", "none"],
    ]);
    const rules = log.runs[0].tool.driver.rules ?? [];
    for (const r of results) {
      expect(rules[r.ruleIndex ?? -1].id).toBe(r.ruleId);
      const location = r.locations?.[0];
      expect(location?.physicalLocation?.artifactLocation?.uri).toBe("cdktf.out/stacks/aks-workload-identity/cdk.tf.json");
      const line = text.split("\n")[(location?.physicalLocation?.region?.startLine ?? 0) - 1];
      expect(line).toBe('      "Cluster_3DA9CCBA": {');
      expect(line.slice((location?.physicalLocation?.region?.startColumn ?? 0) - 1)).toBe('"Cluster_3DA9CCBA": {');
      expect(location?.logicalLocations?.map((l) => [l.fullyQualifiedName, l.kind])).toEqual([
        ["azurerm_kubernetes_cluster.Cluster_3DA9CCBA", "resource"],
        ["aks-workload-identity/Cluster/Cluster", "module"],
      ]);
    }
    expect(results[0].message.text).toBe(
      "AKS local accounts must be disabled: local_account_disabled is absent. Fix: set local_account_disabled = true with Entra ID and Azure RBAC (in this app: cluster.localAccountsDisabled: true).",
    );
    expect(results[1].message.text).toBe('AKS must use the Standard (paid, SLA-backed) tier: unknown until Terraform evaluates it (sku_tier is "${var.tier}").');
  });

  test("leaves suppressed checks out of the results, where code scanning would open alerts for them, and lists them with their reasons", () => {
    write("clean.json", articleJson());
    const run0 = (JSON.parse(run("clean.json", "--sarif").stdout) as Log).runs[0];
    expect(run0.results).toEqual([]);
    const listed = (run0.properties?.suppressions ?? []) as Array<{ ruleId: string; reason: string }>;
    expect(new Set(listed.map((s) => s.ruleId))).toEqual(new Set(ARTICLE_SUPPRESSIONS.map((s) => s.id)));
    expect(listed.find((s) => s.ruleId === "CKV_AZURE_141")?.reason).toBe(ARTICLE_SUPPRESSIONS[0].reason);
  });

  test("is the same bytes every time", () => {
    write("findings.json", findingsJson());
    expect(run("findings.json", "--sarif").stdout).toBe(run("findings.json", "--sarif").stdout);
  });
});

describe("--sarif=FILE", () => {
  test("writes the SARIF to FILE, prints the report as usual, and keeps the report's exit code", () => {
    write("findings.json", findingsJson());
    fs.mkdirSync(path.join(dir, "out"));
    const { code, stdout, stderr } = run("findings.json", "--sarif=out/policy.sarif");
    expect([code, stderr]).toEqual([1, ""]);
    expect(stdout).toMatch(/^id +severity +status +resource +title\n/);
    expect(stdout).toContain("\nUnknown until Terraform evaluates the value");
    const log = JSON.parse(fs.readFileSync(path.join(dir, "out/policy.sarif"), "utf8"));
    expectValidSarif(log);
    expect(fs.readdirSync(path.join(dir, "out"))).toEqual(["policy.sarif"]);
  });

  test("fails, exit 1, without writing anything, when FILE cannot be written", () => {
    write("findings.json", findingsJson());
    expect(run("findings.json", "--sarif=missing/policy.sarif")).toEqual({ code: 1, stdout: "", stderr: "policy: cannot write missing/policy.sarif (ENOENT)\n" });
    expect(fs.existsSync(path.join(dir, "missing"))).toBe(false);
  });

  test("refuses to overwrite the stack it reports on, and option combinations that would mix outputs", () => {
    const file = write("cdk.tf.json", articleJson());
    const before = fs.readFileSync(file, "utf8");
    expect(run("cdk.tf.json", "--sarif=./cdk.tf.json")).toEqual({ code: 2, stdout: "", stderr: "policy: --sarif=./cdk.tf.json would overwrite the stack it reports on; name another file\n" });
    expect(fs.readFileSync(file, "utf8")).toBe(before);
    // Through a linked directory (a linked cdktf.out is a supported layout): found by an attack.
    fs.symlinkSync(dir, path.join(dir, "linked"));
    expect(run("cdk.tf.json", "--sarif=linked/cdk.tf.json")).toEqual({ code: 2, stdout: "", stderr: "policy: --sarif=linked/cdk.tf.json would overwrite the stack it reports on; name another file\n" });
    expect(fs.readFileSync(file, "utf8")).toBe(before);
    expect(run("cdk.tf.json", "--json", "--sarif")).toEqual({ code: 2, stdout: "", stderr: "policy: --json and --sarif both print to stdout; write SARIF with --sarif=FILE\n" });
    expect(run("cdk.tf.json", "--sarif=")).toEqual({ code: 2, stdout: "", stderr: "policy: --sarif= needs a file name: --sarif=FILE, or --sarif alone\n" });
    expect(run("cdk.tf.json", "--sarif", "--sarif=a.sarif")).toEqual({ code: 2, stdout: "", stderr: "policy: --sarif is given twice; give it once\n" });
    // --json with a SARIF file is fine: each goes to its own place.
    const both = run("cdk.tf.json", "--json", "--sarif=a.sarif");
    expect([both.code, JSON.parse(both.stdout).errors, fs.existsSync(path.join(dir, "a.sarif"))]).toEqual([0, 0, true]);
  });
});

test("the built command writes SARIF that links help to the commit a GitHub Actions run checked out", () => {
  write("findings.json", findingsJson());
  const env = { ...cleanEnv(), GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "contoso/aks-wi", GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" };
  const cli = spawnSync(process.execPath, [builtCommand("policy"), "findings.json", "--sarif=policy.sarif"], { cwd: dir, env, encoding: "utf8" });
  expect([cli.status, cli.stderr]).toEqual([1, expect.stringMatching(/^policy: read .* \(synthesized [^)]*\)\n$/)]);
  const log = JSON.parse(fs.readFileSync(path.join(dir, "policy.sarif"), "utf8")) as Log;
  expectValidSarif(log);
  expect(log.runs[0].tool.driver.rules?.find((r) => r.id === "AKSWI_006")?.helpUri).toBe("https://github.com/contoso/aks-wi/blob/0123456789abcdef0123456789abcdef01234567/help/policy.md");
});

describe("locations", () => {
  test("artifactUri is relative to the working directory with / separators, or a file: URL outside it", () => {
    expect(artifactUri("cdktf.out/stacks/s/cdk.tf.json", "/repo")).toBe("cdktf.out/stacks/s/cdk.tf.json");
    expect(artifactUri("/repo/out dir/cdk.tf.json", "/repo")).toBe("out%20dir/cdk.tf.json");
    expect(artifactUri("../elsewhere/cdk.tf.json", "/repo")).toBe("file:///elsewhere/cdk.tf.json");
  });

  test("keyPosition finds a key by its path, through blocks written as lists and keys with escapes", () => {
    const text = '{\n  "resource": [\n    { "a": { "X": {} } },\n    { "b": {\n        "Y\\"1": { "resource": 1 }\n    } }\n  ]\n}';
    expect(keyPosition(text, ["resource", "b", 'Y"1'])).toEqual({ line: 5, column: 9 });
    expect(keyPosition(text, ["resource", "a", "X"])).toEqual({ line: 3, column: 14 });
    expect(keyPosition(text, ["resource", "b", "X"])).toBeUndefined();
    expect(keyPosition("{ not json", ["resource"])).toBeUndefined();
  });

  test("a resource the file does not hold where expected is placed at line 1 rather than dropped", () => {
    const tf = { resource: { azurerm_kubernetes_cluster: { Aks: { "//": { metadata: { path: "s/Aks" } } } } }, "//": { metadata: policyMetadata([]) } };
    const report = buildReport("cdk.tf.json", tf);
    const log = sarifLog(report, { text: "{}", uri: "cdk.tf.json" });
    const regions = (log.runs[0].results ?? []).map((r) => r.locations?.[0].physicalLocation?.region);
    expect(regions.length).toBeGreaterThan(0);
    for (const region of regions) expect(region).toEqual({ startLine: 1, startColumn: 1 });
    expectValidSarif(log);
  });
});
