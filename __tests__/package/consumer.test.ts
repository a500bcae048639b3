import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { consumerLock } from "./consumer-lock";

// The package as another team gets it: packed with npm pack, installed into an app of its own with
// npm ci, without the network (every package comes from npm's cache, which this project's npm ci
// filled), type-checked against the declarations it ships, and synthesized.
const ROOT = path.join(__dirname, "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
/** What the app depends on besides the package and its peer dependencies (cdktf, constructs, the providers). */
const OTHERS = ["@types/node"];

interface Packed {
  filename: string;
  files: { path: string }[];
}

/** Runs a command; a failure fails the test with its output. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0 && result.status !== 3) {
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

describe("the packed package, installed into an app of another team", () => {
  let scratch = "";
  let app = "";
  let packed: Packed;
  let compiled: SpawnSyncReturns<string>;

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-package-"));
    // npm pack runs the prepack script: the library is compiled (tsc -p tsconfig.lib.json) first.
    const pack = run(NPM, ["pack", "--json", "--pack-destination", scratch], ROOT);
    [packed] = JSON.parse(pack.stdout) as Packed[];
    app = path.join(scratch, "app");
    fs.mkdirSync(app);
    for (const file of ["main.ts", "tsconfig.json"]) fs.copyFileSync(path.join(__dirname, "app", file), path.join(app, file));
    const tarball = path.join(scratch, packed.filename);
    const lock = consumerLock(path.join(ROOT, "package-lock.json"), { name: "team-app", tarball, tarballSpec: `file:../${packed.filename}`, others: OTHERS });
    const manifest = { name: "team-app", version: "1.0.0", private: true, dependencies: (lock as { packages: Record<string, { dependencies: object }> }).packages[""].dependencies };
    fs.writeFileSync(path.join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.writeFileSync(path.join(app, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
    // --offline: npm ci fails (ENOTCACHED) rather than reach a registry for anything not in the cache.
    run(NPM, ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], app);
    compiled = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: app, encoding: "utf8" });
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test("holds the compiled library with its declarations and source maps, and nothing of the app, tests or build", () => {
    const files = packed.files.map((f) => f.path).sort();
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "help/api.md", "dist/lib/index.js", "dist/lib/index.d.ts", "dist/lib/index.js.map"]));
    expect(files.filter((f) => !f.startsWith("dist/lib/") && !["package.json", "README.md", "help/api.md"].includes(f))).toEqual([]);
    // Only what lib/index.ts reaches: no command, no plan review, no verify.
    expect(files.filter((f) => /^dist\/lib\/(commands|review|verify)\//.test(f))).toEqual([]);
  });

  test("type-checks the app against the declarations it ships (strict, node16 resolution through exports)", () => {
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.status).toBe(0);
  });

  test("synthesizes the app's own stack, composed of the package's constructs", () => {
    run(process.execPath, ["out/main.js"], app);
    const tf = JSON.parse(fs.readFileSync(path.join(app, "cdktf.out", "stacks", "team", "cdk.tf.json"), "utf8"));
    const [[clusterId, cluster]] = Object.entries(tf.resource.azurerm_kubernetes_cluster) as [string, Record<string, unknown>][];
    expect(cluster).toMatchObject({ name: "aks-team", oidc_issuer_enabled: true, workload_identity_enabled: true });
    const [credential] = Object.values(tf.resource.azurerm_federated_identity_credential) as Record<string, unknown>[];
    expect(credential).toMatchObject({ name: "fic-team-api", issuer: `\${azurerm_kubernetes_cluster.${clusterId}.oidc_issuer_url}` });
    // The subject names the service account the package made, annotated with the identity's client id.
    const [[accountId, account]] = Object.entries(tf.resource.kubernetes_service_account_v1) as [string, { metadata: Record<string, unknown> }][];
    expect(credential.subject).toBe(
      `system:serviceaccount:\${kubernetes_service_account_v1.${accountId}.metadata[0].namespace}:\${kubernetes_service_account_v1.${accountId}.metadata[0].name}`,
    );
    expect(account.metadata).toMatchObject({ namespace: "apps", name: "api", annotations: { "azure.workload.identity/client-id": expect.stringContaining(".client_id}") } });
    expect(Object.values(tf.resource.azurerm_key_vault)).toEqual([expect.objectContaining({ name: "kv-team-api", rbac_authorization_enabled: true, purge_protection_enabled: true })]);
    const [[identityId]] = Object.entries(tf.resource.azurerm_user_assigned_identity);
    const readers = (Object.values(tf.resource.azurerm_role_assignment) as Record<string, unknown>[]).filter((r) => r.role_definition_name === "Key Vault Secrets User");
    expect(readers).toEqual([expect.objectContaining({ principal_id: `\${azurerm_user_assigned_identity.${identityId}.principal_id}` })]);
    expect(JSON.stringify(tf)).not.toContain("kv-team-api-token-value"); // the secret's value is a variable, never a literal
  });

  test("checks the constructs' props in the app: a 26-character vault name fails before synthesis, with the package's own error class", () => {
    const result = run(process.execPath, ["out/main.js", "kv-team-api-far-too-long-x"], app);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('"kv-team-api-far-too-long-x"');
  });

  test("offers only its public API: a module behind lib/index.ts cannot be imported", () => {
    const deep = spawnSync(process.execPath, ["-e", 'require("aks-workload-identity/dist/lib/private/stable-key")'], { cwd: app, encoding: "utf8" });
    expect(deep.status).toBe(1);
    expect(deep.stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
    const root = spawnSync(process.execPath, ["-e", 'console.log(typeof require("aks-workload-identity").RbacKeyVault)'], { cwd: app, encoding: "utf8" });
    expect(root.stdout).toBe("function\n");
  });
});
