import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { DEFAULT_STACK_NAME } from "../lib/app/aks-workload-identity-stack";
import { identityDiagram, SYNTHESIZED_STACK_JSON } from "../lib/review/diagram";
import { builtCommand } from "./app-process";
import { Block, synthApp, withPlainStackTraces } from "./helpers";

const ROOT = path.join(__dirname, "..");
const EXAMPLES = path.join(ROOT, "examples");

const diagramOf = (raw: unknown): string => identityDiagram(withPlainStackTraces(() => synthApp(raw)).tf);
const example = (name: string): unknown => parseYaml(fs.readFileSync(path.join(EXAMPLES, name), "utf8"));

/** What Mermaid's own parser made of a diagram: its nodes with their labels as rendered, edges and subgraphs. */
interface ParsedDiagram {
  readonly diagramType: string;
  readonly vertices: Record<string, string>;
  readonly edges: readonly { from: string; to: string; label: string; stroke: string }[];
  readonly subgraphs: readonly { id: string; title: string; nodes: string[] }[];
}
type ParseResult = ParsedDiagram | { readonly error: string };

/**
 * Runs mermaid's parser on each source. Mermaid ships only as ES modules, which jest's CommonJS
 * runtime cannot load, so it runs in a plain node process. Its flowchart database sanitizes labels
 * with DOMPurify, which needs a DOM: jsdom provides one, installed before mermaid loads.
 * Labels are decoded as the renderer decodes them (mermaid's decodeEntities, then HTML), so a test
 * sees the text a reader would.
 */
const PARSER = `
import { readFileSync } from "fs";
import { JSDOM } from "jsdom";
const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");
const decoder = window.document.createElement("textarea");
const decode = (text) => {
  decoder.innerHTML = text.replace(/ﬂ°°/g, "&#").replace(/ﬂ°/g, "&").replace(/¶ß/g, ";").replace(/<br\\s*\\/?>/gi, "\\n");
  return decoder.value;
};
const results = [];
for (const source of JSON.parse(readFileSync(0, "utf8"))) {
  try {
    const { diagramType } = await mermaid.parse(source);
    const { db } = await mermaid.mermaidAPI.getDiagramFromText(source);
    results.push({
      diagramType,
      vertices: Object.fromEntries([...db.getVertices()].map(([id, v]) => [id, decode(v.text)])),
      edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, label: decode(e.text), stroke: e.stroke })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: decode(s.title), nodes: s.nodes })),
    });
  } catch (error) {
    results.push({ error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
`;

/**
 * Starts mermaid's parser now; it reads the sources from its input when `parse` sends them. Loading
 * jsdom and mermaid takes the process over a second, so it loads while this file synthesizes the
 * diagrams it will parse.
 */
function startMermaidParser(): { parse(sources: readonly string[]): Promise<ParseResult[]>; stop(): void } {
  const child = spawn(process.execPath, ["--input-type=module", "--eval", PARSER], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  // Never what keeps jest running: with `-t` filtering out the tests that parse, parse and afterAll never
  // run. The parser then gets end-of-input when this worker exits, and stops.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref(): void }).unref();
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    async parse(sources) {
      child.stdin.end(JSON.stringify(sources));
      const status = await exited;
      if (status !== 0) throw new Error(`the mermaid parser process failed (${status}): ${stderr}`);
      return JSON.parse(stdout) as ParseResult[];
    },
    stop: () => void (child.exitCode === null && child.kill()), // when parse never ran (a failure before it)
  };
}

function parsed(result: ParseResult | undefined): ParsedDiagram {
  if (result === undefined || "error" in result) throw new Error(`Mermaid rejected the diagram: ${result?.error}`);
  return result;
}

/** Edges as sentences of labels, e.g. "managed identity myIdentity{suffix} -principal-> role assignment …". */
function sentences(diagram: ParsedDiagram): string[] {
  const label = (id: string) => diagram.vertices[id].replace(/\n/g, " ");
  return diagram.edges.map((e) => `${label(e.from)} -${e.label}-> ${label(e.to)}`);
}

/** Labels of the nodes that `from` (a label) leads to along edges labelled `edge`, then along `then`. */
function reach(diagram: ParsedDiagram, from: string, ...edgeLabels: string[]): string[] {
  let ids = Object.keys(diagram.vertices).filter((id) => diagram.vertices[id] === from);
  expect(ids).toHaveLength(1);
  for (const edgeLabel of edgeLabels) {
    ids = diagram.edges.filter((e) => ids.includes(e.from) && e.label === edgeLabel).map((e) => e.to);
  }
  return ids.map((id) => diagram.vertices[id]).sort();
}

const DEFAULT_DIAGRAM = `flowchart LR
  cluster_Cluster["AKS cluster<br/>myAKSCluster{suffix}"]
  subgraph ns_default["namespace default"]
    sa_ServiceAccounts_default_workload_identity_sasuffix["service account<br/>workload-identity-sa{suffix}"]
    pod_VerificationPod["pod<br/>sample-workload-identity-key-vault"]
  end
  fic_Identities_myidentitysuffix_Credential_myfedidentitysuffix["federated credential<br/>myFedIdentity{suffix}"]
  identity_Identities_myidentitysuffix_Identity["managed identity<br/>myIdentity{suffix}"]
  deployer_Deployer["deployer<br/>principal running Terraform"]
  role_KeyVault_DeployerSecretsOfficer["role assignment<br/>Key Vault Secrets Officer"]
  role_KeyVault_SecretsUser_myidentitysuffix["role assignment<br/>Key Vault Secrets User"]
  secret_KeyVault_Secret["secret<br/>my-secret{suffix}"]
  vault_KeyVault["key vault<br/>kv-workload-id{suffix}"]
  cluster_Cluster -->|issuer| fic_Identities_myidentitysuffix_Credential_myfedidentitysuffix
  sa_ServiceAccounts_default_workload_identity_sasuffix -->|subject| fic_Identities_myidentitysuffix_Credential_myfedidentitysuffix
  fic_Identities_myidentitysuffix_Credential_myfedidentitysuffix -->|federates| identity_Identities_myidentitysuffix_Identity
  identity_Identities_myidentitysuffix_Identity -->|principal| role_KeyVault_SecretsUser_myidentitysuffix
  deployer_Deployer -->|principal| role_KeyVault_DeployerSecretsOfficer
  role_KeyVault_DeployerSecretsOfficer -->|scope| vault_KeyVault
  role_KeyVault_SecretsUser_myidentitysuffix -->|scope| vault_KeyVault
  secret_KeyVault_Secret -->|in| vault_KeyVault
  sa_ServiceAccounts_default_workload_identity_sasuffix -->|used by| pod_VerificationPod
  pod_VerificationPod -.->|reads| secret_KeyVault_Secret
`;

const THREE_TEAMS_DIAGRAM = `flowchart LR
  cluster_Cluster["AKS cluster<br/>myAKSCluster{suffix}"]
  subgraph ns_team_a["namespace team-a"]
    sa_ServiceAccounts_team_a_team_a_app["service account<br/>team-a-app"]
    pod_VerificationPod["pod<br/>sample-workload-identity-key-vault"]
  end
  subgraph ns_team_b["namespace team-b"]
    sa_ServiceAccounts_team_b_team_b_app["service account<br/>team-b-app"]
  end
  subgraph ns_team_c["namespace team-c"]
    sa_ServiceAccounts_team_c_team_c_app["service account<br/>team-c-app"]
  end
  fic_Identities_id_team_a_suffix_Credential_fic_team_a_team_a_app["federated credential<br/>fic-team-a-team-a-app"]
  fic_Identities_id_team_b_suffix_Credential_fic_team_b_team_b_app["federated credential<br/>fic-team-b-team-b-app"]
  fic_Identities_id_team_c_suffix_Credential_fic_team_c_team_c_app["federated credential<br/>fic-team-c-team-c-app"]
  identity_Identities_id_team_a_suffix_Identity["managed identity<br/>id-team-a-{suffix}"]
  identity_Identities_id_team_b_suffix_Identity["managed identity<br/>id-team-b-{suffix}"]
  identity_Identities_id_team_c_suffix_Identity["managed identity<br/>id-team-c-{suffix}"]
  deployer_Deployer["deployer<br/>principal running Terraform"]
  role_KeyVault_DeployerSecretsOfficer["role assignment<br/>Key Vault Secrets Officer"]
  role_KeyVault_SecretUser_id_team_a_suffix_my_secretsuffix["role assignment<br/>Key Vault Secrets User"]
  role_KeyVault_SecretUser_id_team_b_suffix_team_b_db_password["role assignment<br/>Key Vault Secrets User"]
  role_KeyVault_SecretUser_id_team_c_suffix_team_c_api_key["role assignment<br/>Key Vault Secrets User"]
  secret_KeyVault_Secret_team_b_db_password["secret<br/>team-b-db-password"]
  secret_KeyVault_Secret_team_c_api_key["secret<br/>team-c-api-key"]
  secret_KeyVault_Secret["secret<br/>my-secret{suffix}"]
  vault_KeyVault["key vault<br/>kv-workload-id{suffix}"]
  cluster_Cluster -->|issuer| fic_Identities_id_team_a_suffix_Credential_fic_team_a_team_a_app
  cluster_Cluster -->|issuer| fic_Identities_id_team_b_suffix_Credential_fic_team_b_team_b_app
  cluster_Cluster -->|issuer| fic_Identities_id_team_c_suffix_Credential_fic_team_c_team_c_app
  sa_ServiceAccounts_team_a_team_a_app -->|subject| fic_Identities_id_team_a_suffix_Credential_fic_team_a_team_a_app
  sa_ServiceAccounts_team_b_team_b_app -->|subject| fic_Identities_id_team_b_suffix_Credential_fic_team_b_team_b_app
  sa_ServiceAccounts_team_c_team_c_app -->|subject| fic_Identities_id_team_c_suffix_Credential_fic_team_c_team_c_app
  fic_Identities_id_team_a_suffix_Credential_fic_team_a_team_a_app -->|federates| identity_Identities_id_team_a_suffix_Identity
  fic_Identities_id_team_b_suffix_Credential_fic_team_b_team_b_app -->|federates| identity_Identities_id_team_b_suffix_Identity
  fic_Identities_id_team_c_suffix_Credential_fic_team_c_team_c_app -->|federates| identity_Identities_id_team_c_suffix_Identity
  identity_Identities_id_team_a_suffix_Identity -->|principal| role_KeyVault_SecretUser_id_team_a_suffix_my_secretsuffix
  identity_Identities_id_team_b_suffix_Identity -->|principal| role_KeyVault_SecretUser_id_team_b_suffix_team_b_db_password
  identity_Identities_id_team_c_suffix_Identity -->|principal| role_KeyVault_SecretUser_id_team_c_suffix_team_c_api_key
  deployer_Deployer -->|principal| role_KeyVault_DeployerSecretsOfficer
  role_KeyVault_DeployerSecretsOfficer -->|scope| vault_KeyVault
  role_KeyVault_SecretUser_id_team_a_suffix_my_secretsuffix -->|scope| secret_KeyVault_Secret
  role_KeyVault_SecretUser_id_team_b_suffix_team_b_db_password -->|scope| secret_KeyVault_Secret_team_b_db_password
  role_KeyVault_SecretUser_id_team_c_suffix_team_c_api_key -->|scope| secret_KeyVault_Secret_team_c_api_key
  secret_KeyVault_Secret_team_b_db_password -->|in| vault_KeyVault
  secret_KeyVault_Secret_team_c_api_key -->|in| vault_KeyVault
  secret_KeyVault_Secret -->|in| vault_KeyVault
  sa_ServiceAccounts_team_a_team_a_app -->|used by| pod_VerificationPod
  pod_VerificationPod -.->|reads| secret_KeyVault_Secret
`;

/** Terraform JSON with every awkward case a label or id can meet; not synthesized, since config validation would reject most of it. */
const AWKWARD: Block = {
  resource: {
    random_id: { Suffix: { byte_length: 3 } },
    kubernetes_namespace_v1: { "Namespace-end": { metadata: { name: "end" } } },
    azurerm_user_assigned_identity: {
      A: { name: 'id "quoted" #1 <b>bold</b> &amp; more' },
      // Sanitizes to the same id as A.
      "A-": { name: "`markdown`" },
    },
    azurerm_federated_identity_credential: {
      F: {
        name: "end",
        issuer: "https://issuer.example/tenant/",
        parent_id: "${azurerm_user_assigned_identity.A.id}",
        subject: "system:serviceaccount:${kubernetes_service_account_v1.S.metadata[0].namespace}:${kubernetes_service_account_v1.S.metadata[0].name}",
      },
    },
    kubernetes_service_account_v1: {
      S: { metadata: [{ name: "sa-${random_id.Suffix.hex}", namespace: "${kubernetes_namespace_v1.Namespace-end.metadata[0].name}" }] },
    },
    kubernetes_pod_v1: { P: { metadata: { name: "o", namespace: "end" }, spec: { service_account_name: "sa-${random_id.Suffix.hex}" } } },
    azurerm_role_assignment: {
      Literal: { principal_id: "00000000-0000-0000-0000-000000000001", scope: "/subscriptions/x", role_definition_name: "Reader" },
      Variable: { principal_id: "${azurerm_user_assigned_identity.A-.principal_id}", scope: "${var.scope}", role_definition_name: "${var.role}" },
    },
    azurerm_key_vault_secret: { K: { name: "$${not-interpolated}", key_vault_id: "${azurerm_key_vault.V.id}" } },
    azurerm_key_vault: { V: { name: "kv" } },
  },
};

/** The same JSON with every object's keys in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
}

describe("identityDiagram", () => {
  const parser = startMermaidParser();
  afterAll(() => parser.stop());
  const defaultDiagram = diagramOf({});
  // Every example, so that one added later is checked too.
  const examples = new Map(
    fs
      .readdirSync(EXAMPLES)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => [f, diagramOf(example(f))]),
  );
  const threeTeams = examples.get("three-teams.yaml")!;
  const sharedIdentity = examples.get("shared-identity.yaml")!;
  const existing = examples.get("existing-cluster-and-vault.yaml")!;
  const hardened = examples.get("hardened.yaml")!;
  const noPod = examples.get("workload-identity-disabled.yaml")!;
  const awkward = identityDiagram(AWKWARD);
  const broken = [
    // A label whose closing quote and bracket are lost.
    DEFAULT_DIAGRAM.replace('myAKSCluster{suffix}"]', "myAKSCluster{suffix}"),
    // The awkward labels without their escapes.
    awkward.replace(/#quot;/g, '"'),
  ];

  let results: ParseResult[] = [];
  const parsedFor = (source: string) => parsed(results[sources.indexOf(source)]);
  const sources = [defaultDiagram, awkward, ...examples.values(), ...broken];
  beforeAll(async () => {
    results = await parser.parse(sources);
  }, 60_000);

  test("draws the default stack's chain exactly", () => {
    expect(defaultDiagram).toBe(DEFAULT_DIAGRAM);
  });

  test("draws three teams' chains exactly", () => {
    expect(threeTeams).toBe(THREE_TEAMS_DIAGRAM);
  });

  test("Mermaid parses every diagram as a flowchart, with every node and edge drawn", () => {
    expect(examples.size).toBeGreaterThanOrEqual(7);
    for (const source of [defaultDiagram, awkward, ...examples.values()]) {
      const diagram = parsedFor(source);
      expect(diagram.diagramType).toBe("flowchart-v2");
      // A node id Mermaid read differently (a keyword, an arrow head) would add or lose a vertex or edge.
      const declared = [...source.matchAll(/^ +(\w+)\["/gm)].map((m) => m[1]);
      expect(Object.keys(diagram.vertices).sort()).toEqual([...declared].sort());
      expect(diagram.edges).toHaveLength(source.split("\n").filter((l) => / (-->|-\.->)\|/.test(l)).length);
    }
  });

  test("Mermaid rejects a broken diagram, so the check above can fail", () => {
    for (const source of broken) {
      expect(results[sources.indexOf(source)]).toEqual({ error: expect.stringMatching(/^Parse error on line \d+/) });
    }
  });

  test("links the cluster's issuer, the subject, the identity, its role and the vault; the pod runs as the account", () => {
    expect(sentences(parsedFor(defaultDiagram))).toEqual([
      "AKS cluster myAKSCluster{suffix} -issuer-> federated credential myFedIdentity{suffix}",
      "service account workload-identity-sa{suffix} -subject-> federated credential myFedIdentity{suffix}",
      "federated credential myFedIdentity{suffix} -federates-> managed identity myIdentity{suffix}",
      "managed identity myIdentity{suffix} -principal-> role assignment Key Vault Secrets User",
      "deployer principal running Terraform -principal-> role assignment Key Vault Secrets Officer",
      "role assignment Key Vault Secrets Officer -scope-> key vault kv-workload-id{suffix}",
      "role assignment Key Vault Secrets User -scope-> key vault kv-workload-id{suffix}",
      "secret my-secret{suffix} -in-> key vault kv-workload-id{suffix}",
      "service account workload-identity-sa{suffix} -used by-> pod sample-workload-identity-key-vault",
      "pod sample-workload-identity-key-vault -reads-> secret my-secret{suffix}",
    ]);
    expect(parsedFor(defaultDiagram).edges.find((e) => e.label === "reads")?.stroke).toBe("dotted");
  });

  test("shows each team's identity reaching only its own secret, not the vault", () => {
    const diagram = parsedFor(threeTeams);
    expect(reach(diagram, "managed identity\nid-team-a-{suffix}", "principal", "scope")).toEqual(["secret\nmy-secret{suffix}"]);
    expect(reach(diagram, "managed identity\nid-team-b-{suffix}", "principal", "scope")).toEqual(["secret\nteam-b-db-password"]);
    expect(reach(diagram, "managed identity\nid-team-c-{suffix}", "principal", "scope")).toEqual(["secret\nteam-c-api-key"]);
    expect(reach(diagram, "deployer\nprincipal running Terraform", "principal", "scope")).toEqual(["key vault\nkv-workload-id{suffix}"]);
  });

  test("groups service accounts and the pod by namespace", () => {
    const diagram = parsedFor(sharedIdentity);
    const members = Object.fromEntries(diagram.subgraphs.map((s) => [s.title, s.nodes.map((id) => diagram.vertices[id]).sort()]));
    expect(members).toEqual({
      "namespace batch": ["service account\ncleanup", "service account\nnightly-report"],
      "namespace default": ["pod\nsample-workload-identity-key-vault", "service account\nworkload-identity-sa{suffix}"],
    });
  });

  test("shows one shared identity with a credential for each service account", () => {
    const diagram = parsedFor(sharedIdentity);
    const identities = Object.values(diagram.vertices).filter((label) => label.startsWith("managed identity"));
    expect(identities).toEqual(["managed identity\nmyIdentity{suffix}"]);
    for (const account of ["cleanup", "nightly-report", "workload-identity-sa{suffix}"]) {
      expect(reach(diagram, `service account\n${account}`, "subject", "federates")).toEqual(identities);
    }
  });

  test("marks a cluster and a vault that exist already", () => {
    const labels = Object.values(parsedFor(existing).vertices);
    expect(labels).toEqual(expect.arrayContaining(["existing AKS cluster\naks-platform", "existing key vault\nkv-platform-shared"]));
    expect(labels.filter((l) => /^(AKS cluster|key vault)\n/.test(l))).toEqual([]);
  });

  test("shows the deployer's cluster role when local accounts are off", () => {
    expect(reach(parsedFor(hardened), "deployer\nprincipal running Terraform", "principal", "scope")).toEqual([
      "AKS cluster\nmyAKSCluster{suffix}",
      "key vault\nkv-workload-id{suffix}",
    ]);
  });

  test("draws no pod when there is none", () => {
    const diagram = parsedFor(noPod);
    expect(Object.values(diagram.vertices).filter((l) => l.startsWith("pod"))).toEqual([]);
    expect(diagram.edges.filter((e) => e.label === "used by" || e.label === "reads")).toEqual([]);
  });

  test("labels show names as written, whatever characters they hold, with ids unique and safe", () => {
    const diagram = parsedFor(awkward);
    expect(diagram.vertices).toEqual({
      sa_S: "service account\nsa-{suffix}",
      pod_P: "pod\no",
      fic_F: "federated credential\nend",
      issuer_https_issuer_example_tenant: "OIDC issuer\nhttps://issuer.example/tenant/",
      identity_A: 'managed identity\nid "quoted" #1 <b>bold</b> &amp; more',
      identity_A_2: "managed identity\n`markdown`",
      principal_00000000_0000_0000_0000_000000000001: "principal\n00000000-0000-0000-0000-000000000001",
      role_Literal: "role assignment\nReader",
      role_Variable: "role assignment\n{var.role}",
      secret_K: "secret\n${not-interpolated}",
      vault_V: "key vault\nkv",
      scope_subscriptions_x: "scope\n/subscriptions/x",
      scope_var_scope: "scope\n{var.scope}",
    });
    expect(diagram.subgraphs).toEqual([{ id: "ns_end", title: "namespace end", nodes: ["sa_S", "pod_P"] }]);
    expect(sentences(diagram)).toEqual(
      expect.arrayContaining([
        "OIDC issuer https://issuer.example/tenant/ -issuer-> federated credential end",
        "service account sa-{suffix} -subject-> federated credential end",
        "managed identity `markdown` -principal-> role assignment {var.role}",
        // The pod names its account literally; namespace and name still find it.
        "service account sa-{suffix} -used by-> pod o",
      ]),
    );
  });

  test("is the same whatever order the JSON lists things in", () => {
    const { tf } = withPlainStackTraces(() => synthApp(example("three-teams.yaml")));
    expect(identityDiagram(reversed(tf))).toBe(THREE_TEAMS_DIAGRAM);
    expect(identityDiagram(reversed(AWKWARD))).toBe(awkward);
  });

  test.each([[null], [[]], ["cdk.tf.json"], [{}], [{ name: "aks-workload-identity", version: "0.1.0" }]])("fails when given %j", (tf) => {
    expect(() => identityDiagram(tf)).toThrow('not a synthesized Terraform configuration: expected a JSON object with a "resource" or "data" block');
  });
});

describe("npm run diagram (scripts/diagram.ts)", () => {
  let dir = "";
  let script = "";
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-diagram-"));
    script = builtCommand("diagram");
    fs.mkdirSync(path.join(dir, path.dirname(SYNTHESIZED_STACK_JSON)), { recursive: true });
    fs.writeFileSync(path.join(dir, SYNTHESIZED_STACK_JSON), withPlainStackTraces(() => synthApp({})).json);
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: dir, encoding: "utf8" });

  test("reads the stack where synth writes it", () => {
    expect(SYNTHESIZED_STACK_JSON).toBe(`cdktf.out/stacks/${DEFAULT_STACK_NAME}/cdk.tf.json`);
    const { status, stdout, stderr } = run();
    expect({ status, stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/^diagram: read \/.*\/cdktf\.out\/stacks\/aks-workload-identity\/cdk\.tf\.json \(synthesized [^)]*\)\n$/) });
    expect(stdout).toBe(DEFAULT_DIAGRAM);
  });

  test("reads the file it is given", () => {
    const other = path.join(dir, "three-teams.tf.json");
    fs.writeFileSync(other, withPlainStackTraces(() => synthApp(example("three-teams.yaml"))).json);
    expect(run(other).stdout).toBe(THREE_TEAMS_DIAGRAM);
  });

  test.each([
    [
      "is missing",
      "missing.json",
      undefined,
      /^diagram: missing\.json does not exist; run `npm run synth` first, or name a cdk\.tf\.json\n$/,
    ],
    ["is not JSON", "bad.json", "{ resource", /^diagram: bad\.json is not valid JSON \(.+\)\n$/],
    [
      "is not a Terraform configuration",
      "package.json",
      '{ "name": "x" }',
      /^diagram: package\.json is not a synthesized stack: it has no resource and no data source .+\n$/,
    ],
  ])("fails in one line when the file %s", (_, file, content, message) => {
    if (content !== undefined) fs.writeFileSync(path.join(dir, file), content);
    const { status, stdout, stderr } = run(file);
    expect({ status, stdout }).toEqual({ status: 1, stdout: "" });
    expect(stderr).toMatch(message);
  });

  test("stays quiet when the reader closes the pipe early", async () => {
    const child = spawn(process.execPath, [script], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    // Closed before the script writes, so its write fails with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect({ status, stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/^diagram: read [^\n]*\n$/) });
  });
});
