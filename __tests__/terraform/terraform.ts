import { execFileSync, spawnSync } from "child_process";

/** Runs a Terraform command in `cwd`; throws with Terraform's own output when it fails. */
export function terraform(cwd: string, args: string[]): string {
  const result = spawnSync("terraform", [...args, "-no-color"], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`terraform ${args.join(" ")} exited ${result.status} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** True when the Terraform CLI is on PATH. */
export function hasTerraform(): boolean {
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
