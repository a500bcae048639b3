import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; name?: string };
type Job = { if: string; permissions: Record<string, string>; environment?: string; steps: Step[] };

describe(".github/workflows/terraform.yml", () => {
  const text = fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "terraform.yml"), "utf8");
  const workflow = parse(text) as { on: Record<string, unknown>; permissions: Record<string, string>; env: Record<string, string>; jobs: Record<string, Job> };
  const runs = (job: Job) => job.steps.map((s) => s.run ?? s.uses ?? "").join("\n");

  test("runs on pull requests and on pushes to main, reading only by default", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
    expect(workflow.on.push).toEqual({ branches: ["main"] });
    expect(workflow.permissions).toEqual({ contents: "read" });
  });

  test("plans pull requests: install, test, synth, init, plan, review, comment", () => {
    const plan = workflow.jobs.plan;
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    expect(plan.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    const order = ["npm ci", "npm test", "npm run synth", "terraform init", "terraform plan", "terraform show -json tfplan", "npm run --silent plan-review", "gh pr comment"];
    const positions = order.map((command) => runs(plan).indexOf(command));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test("deploys main behind the production environment", () => {
    const deploy = workflow.jobs.deploy;
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(deploy.environment).toBe("production");
    expect(runs(deploy)).toContain("terraform apply -input=false -lock-timeout=5m -auto-approve");
  });

  test("signs in to Azure by OIDC federation, with no client secret", () => {
    expect(workflow.env.ARM_USE_OIDC).toBe("true");
    for (const job of Object.values(workflow.jobs)) {
      expect(job.permissions["id-token"]).toBe("write");
      const login = job.steps.find((s) => s.uses?.startsWith("azure/login@"));
      expect(Object.keys(login?.with ?? {}).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
    }
    expect(text).not.toMatch(/client-secret|ARM_CLIENT_SECRET|ARM_ACCESS_KEY/);
  });

  test("passes the secret's value only as the ephemeral variable, and pins a Terraform with write-only arguments", () => {
    for (const job of Object.values(workflow.jobs)) {
      const terraformSteps = job.steps.filter((s) => s.run?.includes("terraform plan") || s.run?.includes("terraform apply"));
      expect(terraformSteps.map((s) => s.env)).toEqual([{ TF_VAR_keyvault_secret_value: "${{ secrets.KEYVAULT_SECRET_VALUE }}" }]);
      const setup = job.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
      expect(String(setup?.with?.terraform_version)).toMatch(/^1\.(1[1-9]|[2-9]\d)\./);
    }
    expect(text.match(/secrets\.\w+/g)?.every((s) => s === "secrets.KEYVAULT_SECRET_VALUE")).toBe(true);
  });
});
