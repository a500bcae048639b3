import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { REVIEW_MARKER } from "../lib/review/render-plan-review";
import { FIXTURES } from "./plan-review-fixtures";
import { builtCommand } from "./app-process";

// The pull-request job's review, comment and risk steps of .github/workflows/terraform.yml, run as
// the runner runs them (bash -eo pipefail) with the project's real commands; only `npm run` is
// stood in for, by the command it runs.

type Step = { name?: string; id?: string; if?: string; run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string> };
const ROOT = path.join(__dirname, "..");
const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "terraform.yml"), "utf8")) as {
  on: { pull_request: { types: string[] } };
  jobs: { plan: { steps: Step[]; permissions: Record<string, string> } };
};
const steps = workflow.jobs.plan.steps;
const step = (name: string): Step => {
  const found = steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
};

const SHA = "0123456789abcdef0123456789abcdef01234567";
const RUN_URL = "https://github.com/octo/infra/actions/runs/42";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
beforeAll(() => {
  // Built once here, so that the step's own `node scripts/run.js` finds them built.
  builtCommand("plan-review");
  builtCommand("plan-review-comment");
});

/** Runs the review step on `plan` (a fixture name, or JSON text) for `event`. */
function reviewStep(plan: string, event: Record<string, unknown>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-step-"));
  dirs.push(dir);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, "npm"),
    ['#!/usr/bin/env bash', '[ "$1 $2 $3 $4" = "run --silent plan-review --" ] || { echo "unexpected: npm $*" >&2; exit 99; }', 'shift 4', 'exec node scripts/run.js plan-review "$@"', ""].join("\n"),
    { mode: 0o755 },
  );
  const text = plan.startsWith("{") ? plan : fs.readFileSync(path.join(FIXTURES, `${plan}.json`), "utf8");
  fs.writeFileSync(path.join(dir, "plan.json"), text);
  fs.writeFileSync(path.join(dir, "event.json"), JSON.stringify(event));
  const script = path.join(dir, "step.sh");
  fs.writeFileSync(script, step("plan review").run!);
  const files = { output: path.join(dir, "output"), summary: path.join(dir, "summary.md") };
  const env = { ...step("plan review").env, HEAD_SHA: SHA, RUN_URL };
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, RUNNER_TEMP: dir, GITHUB_OUTPUT: files.output, GITHUB_STEP_SUMMARY: files.summary, GITHUB_EVENT_PATH: path.join(dir, "event.json"), ...env },
  });
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
  return {
    status: result.status,
    stderr: result.stderr,
    output: read(files.output),
    summary: read(files.summary),
    comment: read(path.join(dir, "plan-review.md")),
    full: read(path.join(dir, "plan-review-full.md")),
  };
}

const pushed = { action: "synchronize", sender: { login: "bob", type: "User" }, pull_request: { user: { login: "bob" } } };
const labelled = (login: string) => ({ action: "labeled", label: { name: "plan-risks-accepted" }, sender: { login, type: "User" }, pull_request: { user: { login: "bob" } } });

describe("the pull-request job's review", () => {
  test("runs again when a label is added, so that a reviewer can accept risks", () => {
    expect(workflow.on.pull_request.types).toEqual(["opened", "synchronize", "reopened", "labeled"]);
  });

  test("a risky plan: the step passes and records the risks, the comment says they fail the check, every output is written", () => {
    const result = reviewStep("destroy", pushed);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^plan-review: 3 risks in \S+\/plan\.json \(--fail-on-risk\)\n$/);
    expect(result.output).toBe("risky=true\n");
    expect(result.comment!.startsWith(`${REVIEW_MARKER}\n## Terraform plan review\n\nCommit \`${SHA}\` · [workflow run](${RUN_URL}) · Terraform \`1.11.4\``)).toBe(true);
    expect(result.comment).toContain("**These risks fail the check** until a reviewer accepts them for this commit");
    expect(Buffer.byteLength(result.comment!)).toBeLessThanOrEqual(65536);
    // The job summary gets the review (within 1 MiB), the artifact the whole of it.
    expect(result.summary).toBe(result.full);
  });

  test("the same plan, labelled by a reviewer: accepted, and the step records no risk to fail on", () => {
    const result = reviewStep("destroy", labelled("alice"));
    expect(result).toMatchObject({ status: 0, stderr: "", output: "risky=false\n" });
    expect(result.comment).toContain("**Accepted** by `alice` for this commit: these risks do not fail the check.");
  });

  test("labelled by its author: not accepted", () => {
    expect(reviewStep("destroy", labelled("bob")).output).toBe("risky=true\n");
  });

  test("a plan without risks: nothing to fail on", () => {
    const result = reviewStep("create-all", pushed);
    expect(result).toMatchObject({ status: 0, stderr: "", output: "risky=false\n" });
    expect(result.comment).not.toContain("fail the check");
  });

  test("a file that is not a plan: the step fails with one line, and nothing is written", () => {
    const result = reviewStep('{"format_version":"2.0","planned_values":{}}', pushed);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^plan-review: \S+plan\.json is not a format this review reads: format_version "2\.0" is not 1\.x[^\n]+\n$/);
    expect(result).toMatchObject({ output: undefined, summary: undefined, comment: undefined, full: undefined });
  });

  test("a plan that failed: the step fails after writing the review that says so", () => {
    const result = reviewStep("errored", pushed);
    expect(result.status).toBe(1);
    expect(result.comment).toContain("**The plan failed.**");
    expect(result.output).toBeUndefined();
  });
});

describe("the pull-request job's comment and risk steps", () => {
  test("the artifact is the full review the review step writes, and a missing one fails", () => {
    const upload = step("upload the full review");
    expect(upload.uses).toMatch(/^actions\/upload-artifact@[0-9a-f]{40}$/);
    expect(upload.with).toEqual({ name: "plan-review", path: "${{ runner.temp }}/plan-review-full.md", "if-no-files-found": "error", "retention-days": 30 });
    expect(step("plan review").run).toContain('--full-out "$RUNNER_TEMP/plan-review-full.md"');
  });

  test("the comment step posts the bounded review as this workflow's own comment, with the commit and the run", () => {
    const comment = step("comment on the pull request");
    expect(comment.id).toBe("comment");
    expect(comment.run).toBe('node scripts/run.js plan-review-comment post --pr "$PR" --body "$RUNNER_TEMP/plan-review.md" --commit "$HEAD_SHA" --run-url "$RUN_URL"');
    expect(comment.env).toEqual({
      GH_TOKEN: "${{ github.token }}",
      PR: "${{ github.event.pull_request.number }}",
      HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
      RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
    });
  });

  test("risks nobody accepted fail the job, after the review is posted", () => {
    const gate = step("fail on risks nobody accepted");
    expect(gate.if).toBe("steps.review.outputs.risky == 'true'");
    expect(steps.indexOf(gate)).toBeGreaterThan(steps.indexOf(step("comment on the pull request")));
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", gate.run!], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^::error title=Plan has risks::.*plan-risks-accepted/);
  });

  test("a run that fails before its review is posted marks the previous one outdated; one that posted does not", () => {
    const outdated = step("mark the previous review outdated");
    expect(outdated.if).toBe("failure() && steps.comment.outcome != 'success'");
    expect(outdated.run).toBe('node scripts/run.js plan-review-comment outdated --pr "$PR" --commit "$HEAD_SHA" --run-url "$RUN_URL"');
    expect(steps[steps.length - 1]).toBe(outdated);
  });

  test("nothing new in the job's permissions: the comment needs pull-requests: write, the artifact none (security-events is the policy's SARIF)", () => {
    expect(workflow.jobs.plan.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write", "security-events": "write" });
  });
});
