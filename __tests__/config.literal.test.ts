import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { ConfigError } from "../lib/config/errors";
import { resolveConfig } from "../lib/config/load";
import { LITERAL_TEXT, RULES } from "../lib/config/rules";
import { Field, SCHEMA } from "../lib/config/schema";
import { runApp, scratchDir } from "./app-process";

/**
 * Every string of the configuration reaches cdk.tf.json, where Terraform evaluates `${…}` and `%{…}`
 * and cdktf resolves its token markers. Each string field of the schema, found by walking the schema
 * (so a field added later is covered without a change here), must refuse them.
 */

type Key = string | number;

/** Every string leaf of the schema, lists entered at index 0. */
function stringPaths(field: Field, at: Key[] = []): Key[][] {
  switch (field.kind) {
    case "string":
      return [at];
    case "object":
      return Object.entries(field.fields).flatMap(([key, child]) => stringPaths(child, [...at, key]));
    case "list":
      return stringPaths(field.item, [...at, 0]);
    default:
      return [];
  }
}

/** The smallest configuration in which the field at `at` is read: its section switched on, its siblings' required keys given. */
function baseFor(at: Key[]): Record<string, unknown> {
  const [top, second] = at;
  if (top === "backend" && second === "azurerm") return { backend: { type: "azurerm", azurerm: { resourceGroupName: "rg-state", storageAccountName: "sttfstate" } } };
  if (top === "backend" && second === "cloud") return { backend: { type: "cloud", cloud: { organization: "org", workspace: "ws" } } };
  if (top === "backend" && second === "pg") return { backend: { type: "pg", pg: {} } };
  if (top === "workloads") return { workloads: [{ serviceAccount: "sa-orders", identity: "id-orders" }] };
  if (top === "policy") return { policy: { suppressions: [{ id: "CKV_AZURE_4", reason: "a reason" }] } };
  if (top === "cluster" && second === "adminGroupObjectIds") return { cluster: { adminGroupObjectIds: [] } };
  return {};
}

function withValue(at: Key[], value: string): Record<string, unknown> {
  const root = structuredClone(baseFor(at));
  let node: Record<string | number, unknown> = root;
  at.forEach((key, i) => {
    if (i === at.length - 1) {
      node[key] = value;
      return;
    }
    node[key] ??= typeof at[i + 1] === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  return root;
}

const display = (at: Key[]) => at.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");

/** Problems `resolveConfig` reports at `where`, or "accepted". */
function problemsAt(raw: unknown, where: string): string[] | "accepted" {
  try {
    resolveConfig(raw);
    return "accepted";
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.filter((p) => p.path === where).map((p) => p.rule ?? p.problem);
  }
}

const PATHS = stringPaths(SCHEMA);
const HOSTILE = ["${", "%{", "$${", "%%{", "${TfToken[TOKEN.1]}", "#{TfToken[TOKEN.2]}", "&{TfToken[TOKEN.3]}"];

test("the walk finds the schema's string fields, including those in lists and optional sections", () => {
  const found = PATHS.map(display);
  expect(found.length).toBeGreaterThanOrEqual(30);
  expect(found).toEqual(expect.arrayContaining(["verificationPod.image", "backend.azurerm.key", "workloads[0].secrets[0]", "policy.suppressions[0].reason", "cluster.adminGroupObjectIds[0]"]));
});

test("every string field refuses template sequences and cdktf tokens, wherever they stand in the value (fast-check, 700 cases)", () => {
  const printable = fc.string({ unit: fc.constantFrom(..."abc-_./:09 xyz(){}[]\"'\\$%#&"), maxLength: 12 });
  fc.assert(
    fc.property(fc.constantFrom(...PATHS), fc.constantFrom(...HOSTILE), printable, printable, (at, sequence, before, after) => {
      const value = `${before}${sequence}x}${after}`;
      expect(problemsAt(withValue(at, value), display(at))).toContain(LITERAL_TEXT.rule);
    }),
    { seed: 1207, numRuns: 700 },
  );
});

test("each field accepts its ordinary value in the base configuration, so the refusal above is the sequence's doing", () => {
  const ordinary: Record<string, string> = {
    location: "westeurope",
    suffix: "7f3a9c",
    "keyVault.sku": "premium",
    "backend.type": "local",
    "cluster.importId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
    "workloads[0].tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "cluster.adminGroupObjectIds[0]": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "policy.suppressions[0].id": "CKV_AZURE_4",
    "cluster.nodeVmSize": "Standard_D2s_v5",
    "verificationPod.image": "ghcr.io/azure/azure-workload-identity/msal-go:latest",
  };
  for (const at of PATHS) {
    const where = display(at);
    // Fields that only apply with others (existing resources, shared secrets) are checked by the refusal test alone.
    if (["cluster.resourceGroup", "keyVault.resourceGroup", "workloads[0].secrets[0]", "cluster.importId", "backend.type"].includes(where)) continue;
    const value = ordinary[where] ?? "okname1";
    expect([where, problemsAt(withValue(at, value), where)]).toEqual([where, expect.not.arrayContaining([LITERAL_TEXT.rule])]);
  }
});

/**
 * The reference grammar's own parse cases: distribution/reference, reference_test.go
 * (TestReferenceParse) at 0965666a6ade2e06035fe352e38344be1e68951a. Written here as the input and
 * whether Parse accepts it (47 cases); its empty input is this schema's "is empty" instead.
 */
const DISTRIBUTION_REFERENCE_CASES: ReadonlyArray<readonly [string, boolean]> = [
  ["test_com", true],
  ["test.com:tag", true],
  ["test.com:5000", true],
  ["test.com/repo:tag", true],
  ["test:5000/repo", true],
  ["test:5000/repo:tag", true],
  [`test:5000/repo@sha256:${"f".repeat(64)}`, true],
  [`test:5000/repo:tag@sha256:${"f".repeat(64)}`, true],
  [":justtag", false],
  [`@sha256:${"f".repeat(64)}`, false],
  [`repo@sha256:${"f".repeat(34)}`, false],
  [`validname@invaliddigest:${"f".repeat(64)}`, false],
  [`validname@sha512:${"f".repeat(128)}`, false],
  ["Uppercase:tag", false],
  ["test:5000/Uppercase/lowercase:tag", false],
  ["lowercase:Uppercase", true],
  [`domain/${"a".repeat(256)}:tag`, false],
  [`${"a/".repeat(127)}a:tag-puts-this-over-max`, true],
  ["aa/asdf$$^/aa", false],
  ["sub-dom1.foo.com/bar/baz/quux", true],
  ["sub-dom1.foo.com/bar/baz/quux:some-long-tag", true],
  ["b.gcr.io/test.example.com/my-app:test.example.com", true],
  ["xn--n3h.com/myimage:xn--n3h.com", true],
  [`xn--7o8h.com/myimage:xn--7o8h.com@sha256:${"f".repeat(64)}`, true],
  ["foo_bar.com:8080", true],
  ["foo/foo_bar.com:8080", true],
  ["192.168.1.1", true],
  ["192.168.1.1:tag", true],
  ["192.168.1.1:5000", true],
  ["192.168.1.1/repo", true],
  ["192.168.1.1:5000/repo", true],
  ["192.168.1.1:5000/repo:5050", true],
  ["[2001:db8::1]", false],
  ["[2001:db8::1]:5000", false],
  ["[2001:db8::1]:tag", false],
  ["[2001:db8::1]/repo", true],
  ["[2001:db8:1:2:3:4:5:6]/repo:tag", true],
  ["[2001:db8::1]:5000/repo", true],
  ["[2001:db8::1]:5000/repo:tag", true],
  [`[2001:db8::1]:5000/repo@sha256:${"f".repeat(64)}`, true],
  [`[2001:db8::1]:5000/repo:tag@sha256:${"f".repeat(64)}`, true],
  ["[2001:db8::]:5000/repo", true],
  ["[::1]:5000/repo", true],
  ["[fe80::1%eth0]:5000/repo", false],
  ["[fe80::1%@invalidzone]:5000/repo", false],
  [`example.com/${"a".repeat(255)}:tag`, true],
];

test.each(DISTRIBUTION_REFERENCE_CASES)("verificationPod.image %s is accepted: %s, as distribution/reference parses it", (image, valid) => {
  expect(RULES.image.problem(image) === undefined).toBe(valid);
});

test("the exfiltration attempt through verificationPod.image exits 1, writes nothing, and leaves the secret in no output", () => {
  const project = scratchDir("aks-wi-literal-");
  try {
    const marker = `exfil-marker-${process.pid}`;
    fs.writeFileSync(
      path.join(project, "config.yaml"),
      'verificationPod:\n  image: ${regex("TF_VAR_keyvault_secret_value=([[:print:]]+)", file("/proc/self/environ"))[0]}\n',
    );
    const run = runApp(project, { AKS_WI_CONFIG: "config.yaml", TF_VAR_keyvault_secret_value: marker });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("verificationPod.image: contains \"${\" (a Terraform interpolation)");
    expect(fs.readdirSync(project)).toEqual(["config.yaml"]);
    expect(`${run.stdout}${run.stderr}`).not.toContain(marker);
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});
