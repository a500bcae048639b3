import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, formatProblem } from "../lib/config/errors";
import { findDuplicateJsonKey, loadConfig, resolveConfig } from "../lib/config/load";
import { ARTICLE_SUPPRESSIONS } from "../lib/policy/article-exceptions";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-config-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  fs.writeFileSync(path.join(dir, name), content);
  return name;
}

/** The problems with file `name`, the scratch directory written as <dir>. */
function fileProblems(name: string): string[] {
  try {
    loadConfig({ env: { AKS_WI_CONFIG: name }, cwd: dir });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => formatProblem(p).split(dir).join("<dir>"));
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("loadConfig", () => {
  test("defaults to the article's names and settings", () => {
    const { config } = loadConfig({ env: {} });
    expect(config).toEqual({
      location: "eastus",
      locationUnlisted: false,
      resourceGroup: { name: "myResourceGroup{suffix}", existing: false },
      cluster: {
        name: "myAKSCluster{suffix}",
        dnsPrefix: "myakscluster{suffix}",
        nodePoolName: "nodepool1",
        nodeCount: 1,
        workloadIdentityEnabled: true,
        localAccountsDisabled: false,
        adminGroupObjectIds: [],
        existing: false,
        oidcIssuerEnabled: true,
      },
      keyVault: {
        name: "kv-workload-id{suffix}",
        sku: "standard",
        secretName: "my-secret{suffix}",
        secretVersion: 1,
        additionalSecrets: [],
        assignOfficerRole: true,
        existing: false,
      },
      workloads: [
        {
          namespace: "default",
          serviceAccount: "workload-identity-sa{suffix}",
          identity: "myIdentity{suffix}",
          federatedCredential: "myFedIdentity{suffix}",
          namespaceExists: false,
        },
      ],
      waits: { roleAssignmentSeconds: 60, federatedCredentialSeconds: 30 },
      backend: { type: "local" },
      policy: { suppressions: ARTICLE_SUPPRESSIONS },
      deployer: {},
      verificationPod: { enabled: true, image: "ghcr.io/azure/azure-workload-identity/msal-go" },
    });
  });

  test("reads a YAML file named by AKS_WI_CONFIG, relative to the working directory", () => {
    write("team.yaml", "location: westeurope\ncluster:\n  nodeCount: 2\nworkloads:\n  - namespace: apps\n    serviceAccount: api\n    identity: id-api\n");
    const { config } = loadConfig({ env: { AKS_WI_CONFIG: "team.yaml" }, cwd: dir });
    expect(config.location).toBe("westeurope");
    expect(config.cluster.nodeCount).toBe(2);
    expect(config.workloads).toEqual([{ namespace: "apps", serviceAccount: "api", identity: "id-api", federatedCredential: "fic-apps-api", namespaceExists: false }]);
  });

  test("reads a JSON file", () => {
    write("c.json", JSON.stringify({ suffix: "abc123", keyVault: { sku: "premium" } }));
    const { config } = loadConfig({ env: { AKS_WI_CONFIG: "c.json" }, cwd: dir });
    expect(config.suffix).toBe("abc123");
    expect(config.keyVault.sku).toBe("premium");
  });

  test("ranks the environment over the file over the default, and says where each value came from", () => {
    write("c.yaml", "location: westeurope\ncluster:\n  name: file-cluster\n");
    const { config, values } = loadConfig({ env: { AKS_WI_CONFIG: "c.yaml", CLUSTER_NAME: "env-cluster", USER_ASSIGNED_IDENTITY_NAME: "env-id" }, cwd: dir });
    expect(config.cluster.name).toBe("env-cluster");
    expect(config.location).toBe("westeurope");
    expect(config.workloads[0].identity).toBe("env-id");
    const sourceOf = (p: string) => values.find((v) => v.path === p)?.source;
    expect(sourceOf("cluster.name")).toEqual({ kind: "env", variable: "CLUSTER_NAME" });
    expect(sourceOf("location")).toEqual({ kind: "file", file: "c.yaml" });
    expect(sourceOf("keyVault.name")).toEqual({ kind: "default" });
    expect(sourceOf("workloads[0].identity")).toEqual({ kind: "env", variable: "USER_ASSIGNED_IDENTITY_NAME" });
    expect(sourceOf("workloads[0].serviceAccount")).toEqual({ kind: "default" });
    expect(sourceOf("cluster.dnsPrefix")).toMatchObject({ kind: "derived" });
  });

  test("maps every article variable onto its key", () => {
    const env = {
      LOCATION: "westus2",
      RANDOM_ID: "0a1b2c",
      RESOURCE_GROUP: "rg-x",
      CLUSTER_NAME: "aks-x",
      KEYVAULT_NAME: "kv-x",
      KEYVAULT_SECRET_NAME: "secret-x",
      SERVICE_ACCOUNT_NAMESPACE: "ns-x",
      SERVICE_ACCOUNT_NAME: "sa-x",
      USER_ASSIGNED_IDENTITY_NAME: "id-x",
      FEDERATED_IDENTITY_CREDENTIAL_NAME: "fic-x",
    };
    const { config } = resolveConfig({}, { env });
    expect([
      config.location,
      config.suffix,
      config.resourceGroup.name,
      config.cluster.name,
      config.keyVault.name,
      config.keyVault.secretName,
      config.workloads[0].namespace,
      config.workloads[0].serviceAccount,
      config.workloads[0].identity,
      config.workloads[0].federatedCredential,
    ]).toEqual(Object.values(env));
  });

  test("normalises a location's display name", () => {
    expect(resolveConfig({ location: "East US 2" }).config.location).toBe("eastus2");
  });

  test("derives a DNS prefix that keeps what suffixes fit when they alone exceed 54 characters", () => {
    const { config } = resolveConfig({ suffix: "abcdefghij", cluster: { name: "{suffix}".repeat(6) } });
    expect(config.cluster.dnsPrefix).toBe("{suffix}".repeat(5));
  });

  test("derives the DNS prefix within 54 characters, counting the fixed suffix", () => {
    const name = "A_Very_Long_Cluster_Name_" + "x".repeat(25) + "{suffix}";
    const { config } = resolveConfig({ suffix: "abcdef1234", cluster: { name } });
    expect(config.cluster.dnsPrefix).toBe(("a-very-long-cluster-name-" + "x".repeat(25)).slice(0, 44) + "{suffix}");
    expect(config.cluster.dnsPrefix.replace("{suffix}", "abcdef1234")).toHaveLength(54);
  });
});

describe("configuration files that are not configuration", () => {
  test("fails when AKS_WI_CONFIG names a missing file", () => {
    expect(fileProblems("nope.yaml")).toEqual([
      'AKS_WI_CONFIG: names a file that does not exist (got "nope.yaml", read as "<dir>/nope.yaml"); point it at a JSON or YAML file, or unset it for the defaults',
    ]);
  });

  test("fails when AKS_WI_CONFIG names a directory", () => {
    fs.mkdirSync(path.join(dir, "conf.d"));
    expect(fileProblems("conf.d")).toEqual(['AKS_WI_CONFIG: names a directory, not a file (got "conf.d", read as "<dir>/conf.d"); point it at a JSON or YAML file']);
  });

  test("fails when the file is empty", () => {
    expect(fileProblems(write("empty.yaml", "  \n"))).toEqual([
      'AKS_WI_CONFIG: names an empty file (got "empty.yaml", read as "<dir>/empty.yaml"); write a JSON or YAML object into it, e.g. {} for the defaults',
    ]);
  });

  test("fails with the line and column of invalid JSON", () => {
    expect(fileProblems(write("bad.json", '{\n  "location": "eastus",\n  oops\n}'))).toEqual([
      expect.stringMatching(/^AKS_WI_CONFIG: is not valid JSON at line 3, column 3: .* \(got "bad\.json", read as "<dir>\/bad\.json"\); fix the JSON syntax$/),
    ]);
  });

  test("fails with the line of a YAML tab-indentation error", () => {
    const [problem] = fileProblems(write("tab.yaml", "cluster:\n\tname: x\n"));
    expect(problem).toMatch(/^AKS_WI_CONFIG: is not valid YAML at line 2, column 1: .*tab/i);
    expect(problem).toContain("fix the YAML syntax: indent with spaces, not tabs");
  });

  test("fails when AKS_WI_CONFIG is set but empty", () => {
    expect(fileProblems("")).toEqual(['AKS_WI_CONFIG: is set but empty (got ""); name a JSON or YAML file, or unset it for the defaults']);
  });

  test("fails when a JSON file gives a key twice, instead of keeping the last", () => {
    expect(fileProblems(write("twice.json", '{"location": "eastus", "location": "westus"}'))).toEqual([
      'AKS_WI_CONFIG: is not valid JSON at line 1, column 24: Map keys must be unique ("location" is given twice) (got "twice.json", read as "<dir>/twice.json"); fix the JSON syntax',
    ]);
  });

  test("finds a key given twice in nested JSON objects, and not across objects or in strings", () => {
    expect(findDuplicateJsonKey('{"a": {"b": 1, "c": "\\"b\\"", "b": 2}}')).toEqual({ key: "b", line: 1, column: 30 });
    expect(findDuplicateJsonKey('[{"a": 1}, {"a": 2}]')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a": ["a", "a"], "b": {"a": 1}}')).toBeUndefined();
  });

  test("reads a JSON file that starts with a byte-order mark", () => {
    write("bom.json", "\uFEFF" + JSON.stringify({ location: "westus" }));
    expect(loadConfig({ env: { AKS_WI_CONFIG: "bom.json" }, cwd: dir }).config.location).toBe("westus");
  });

  test("reports a YAML value that contains itself through an alias, without crashing", () => {
    expect(fileProblems(write("loop.yaml", "cluster: &c\n  name: *c\n"))).toEqual([
      "cluster.name: must be a string, not an object (got an object that contains itself); quote the value",
    ]);
  });

  test("fails when the top level is a list", () => {
    expect(fileProblems(write("list.yaml", "- a\n- b\n"))).toEqual([
      'AKS_WI_CONFIG: holds a list, not an object (got "list.yaml", read as "<dir>/list.yaml"); make the top level an object of keys such as location and workloads',
    ]);
  });
});
