import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { OFFLINE } from "./terraform";

/** The supervisor of the shared providers, from global setup to global teardown (same process). */
const HOST = Symbol.for("aks-workload-identity.offline-providers");
type WithHost = typeof globalThis & { [HOST]?: ChildProcess };

/**
 * With the offline stand-ins, start each provider once for the whole run and point every Terraform
 * command at it through TF_REATTACH_PROVIDERS (scripts/offline-providers.js says why). Workers start
 * after this, so they inherit the variable. `terraform init` still installs from the mirror
 * (terraform.ts drops the variable for it). With real providers, or a TF_REATTACH_PROVIDERS set by
 * the caller, nothing changes.
 */
export default async function startSharedProviders(): Promise<void> {
  if (!OFFLINE || process.env.TF_REATTACH_PROVIDERS !== undefined) return;
  const { reattach, host } = await startProviders();
  (globalThis as WithHost)[HOST] = host;
  process.env.TF_REATTACH_PROVIDERS = reattach;
}

/**
 * Starts each provider of the mirror once (scripts/offline-providers.js), with `env` added to their
 * environment (a test that needs the stand-ins' import turns it on so). Returns the
 * TF_REATTACH_PROVIDERS value, and the supervisor, which `stopProviders` stops.
 */
export async function startProviders(env: Record<string, string> = {}): Promise<{ reattach: string; host: ChildProcess }> {
  const host = spawn(process.execPath, [path.join(__dirname, "../../scripts/offline-providers.js")], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  const reattach = await new Promise<string>((resolve, reject) => {
    let output = "";
    host.stdout!.on("data", (chunk) => {
      output += chunk;
      if (output.includes("\n")) resolve(output.slice(0, output.indexOf("\n")));
    });
    host.on("exit", (code) => reject(new Error(`scripts/offline-providers.js exited ${code} before starting the providers`)));
  });
  host.stdout!.resume();
  return { reattach, host };
}

/** Closing its input stops a supervisor and, with it, its providers. */
export async function stopProviders(host: ChildProcess | undefined): Promise<void> {
  if (host === undefined || host.exitCode !== null) return;
  const exited = new Promise((resolve) => host.once("exit", resolve));
  host.stdin!.end();
  await exited;
}

/** Global teardown: stops the shared providers. */
export async function stopSharedProviders(): Promise<void> {
  await stopProviders((globalThis as WithHost)[HOST]);
}
