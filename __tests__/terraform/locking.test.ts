import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runApp, scratchDir, STACK_FILE } from "../app-process";
import { Postgres, startPostgres } from "./postgres";
import { terraform } from "./terraform";

/**
 * State locking proven on a real server: the stack's pg backend against a PostgreSQL started on
 * loopback for this test. Two applies at once: one must wait its turn (here: fail fast on the
 * lock), never both write.
 */
let postgres: Postgres;
let project: string;
let stack: string;
const env = () => ({ PG_CONN_STR: postgres.connectionString, TF_VAR_keyvault_secret_value: "lock-test-value" });

beforeAll(async () => {
  postgres = await startPostgres();
  project = scratchDir("aks-wi-lock-");
}, 120000);
afterAll(() => {
  postgres?.stop();
  fs.rmSync(project, { recursive: true, force: true });
});

function synth(config: string): void {
  fs.writeFileSync(path.join(project, "config.yaml"), config);
  const run = runApp(project, { AKS_WI_CONFIG: "config.yaml" });
  if (run.status !== 0) throw new Error(run.stderr);
  stack = path.dirname(path.join(project, STACK_FILE));
}

interface Finished {
  readonly code: number | null;
  readonly stderr: string;
}

function apply(): { done: Promise<Finished> } {
  const child = spawn("terraform", ["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"], {
    cwd: stack,
    env: { ...process.env, ...env(), TF_IN_AUTOMATION: "1" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdout.resume();
  return { done: new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr }))) };
}

const advisoryLocks = () => Number(postgres.query("select count(*) from pg_locks where locktype = 'advisory'"));
const pullState = () => JSON.parse(terraform(stack, ["state", "pull"], env()));

test("two applies at once: exactly one gets the state lock, and the state advances once with every resource", async () => {
  const base = "backend:\n  type: pg\nsuffix: 10c4ed\n";
  synth(base);
  expect(JSON.parse(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8")).terraform.backend).toEqual({ pg: { schema_name: "terraform_remote_state" } });
  terraform(stack, ["init", "-input=false"], env());
  terraform(stack, ["apply", "-auto-approve", "-input=false"], env());
  const before = pullState();
  const managed = (state: { resources: { mode: string }[] }) => state.resources.filter((r) => r.mode === "managed").length;
  expect(managed(before)).toBeGreaterThan(10);

  // One change, so that the apply that gets the lock writes state exactly once.
  synth(`${base}keyVault:\n  secretVersion: 2\n`);
  const first = apply();
  const deadline = Date.now() + 60000;
  while (advisoryLocks() === 0) {
    if (Date.now() > deadline) throw new Error("the first apply never took the lock");
    await new Promise((r) => setTimeout(r, 25));
  }
  const second = apply();
  const results = await Promise.all([first.done, second.done]);

  const refused = results.filter((r) => r.code !== 0);
  expect(refused).toHaveLength(1);
  expect(refused[0].stderr).toContain("Error acquiring the state lock");
  expect(results.filter((r) => r.code === 0)).toHaveLength(1);

  const after = pullState();
  expect(after.serial).toBe(before.serial + 1);
  expect(managed(after)).toBe(managed(before));
  expect(after.lineage).toBe(before.lineage);
  expect(advisoryLocks()).toBe(0);
}, 300000);
