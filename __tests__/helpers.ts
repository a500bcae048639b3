import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, Testing, TerraformStack } from "cdktf";
import { AksWorkloadIdentityStack, DEFAULT_STACK_NAME } from "../lib/app/aks-workload-identity-stack";
import { resolveConfig } from "../lib/config/load";

export type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Synthesized {
  readonly json: string;
  readonly tf: Block;
  readonly stack: AksWorkloadIdentityStack;
}

/**
 * Synthesizes the app's stack for `raw` (as if read from a file) and `env` the way `npm run synth`
 * does (App.synth: validations, the security policy, then cdk.tf.json), and returns that file.
 */
export function synthApp(raw: unknown = {}, env: Record<string, string> = {}): Synthesized {
  const { config } = resolveConfig(raw, { env });
  const outdir = workerOutdir();
  const file = path.join(outdir, "stacks", DEFAULT_STACK_NAME, "cdk.tf.json");
  fs.rmSync(file, { force: true }); // never read an earlier synth's file
  const app = Testing.app({ outdir });
  const stack = new AksWorkloadIdentityStack(app, DEFAULT_STACK_NAME, { config });
  app.synth();
  const json = fs.readFileSync(file, "utf8");
  return { json, tf: JSON.parse(json), stack };
}

/**
 * This jest worker's output directory, reused by every synthesis in it (a new directory per synth,
 * made and removed, cost a second of the suite). One per worker: cdktf creates its folders without
 * `recursive`, so two workers sharing one could race.
 */
function workerOutdir(): string {
  if (outdirOfThisProcess === undefined) {
    // Named by process, not by jest's worker number: two jest runs at once (two checkouts, or a developer's
    // and CI's) have workers with the same numbers, and would read each other's files.
    outdirOfThisProcess = fs.mkdtempSync(path.join(os.tmpdir(), `aks-wi-test-synth-${process.pid}-`));
    // jest ends its workers without an exit event, so each worker removes those of processes gone.
    for (const entry of fs.readdirSync(os.tmpdir())) {
      const pid = Number(/^aks-wi-test-synth-(\d+)-/.exec(entry)?.[1]);
      if (pid && !isAlive(pid)) fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
    }
  }
  fs.mkdirSync(path.join(outdirOfThisProcess, "stacks"), { recursive: true });
  return outdirOfThisProcess;
}
let outdirOfThisProcess: string | undefined;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** An app for tests that only render (Testing.synth); Testing.app() would make a directory per call and leave it. */
export function renderOnlyApp(): App {
  return Testing.app({ outdir: workerOutdir() });
}

/** Synthesizes whatever `build` adds to a bare stack. */
export function synthConstructs(build: (stack: TerraformStack) => void): { json: string; tf: Block } {
  const stack = new TerraformStack(renderOnlyApp(), "stack");
  build(stack);
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json) };
}

/** The bodies of every resource of `type`, keyed by logical id. */
export function resources(tf: Block, type: string): Record<string, Block> {
  return tf.resource?.[type] ?? {};
}

/** The single resource of `type`, with its logical id; fails the test if there is not exactly one. */
export function onlyResource(tf: Block, type: string): Block & { logicalId: string } {
  const entries = Object.entries(resources(tf, type));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  const [logicalId, body] = entries[0];
  return { ...body, logicalId };
}

/** A reference to an attribute of the single resource of `type`, as Terraform JSON writes it. */
export function ref(tf: Block, type: string, attribute: string): string {
  return `\${${type}.${onlyResource(tf, type).logicalId}.${attribute}}`;
}

/** A fake cluster and resource group for construct tests. */
export const FAKE_ISSUER = { oidcIssuerUrl: "https://eastus.oic.prod-aks.azure.com/tenant/cluster/" };
export const FAKE_RESOURCE_GROUP = { name: "rg-test", location: "westeurope" };

/**
 * Runs `fn` with V8's plain stack-trace format for errors (cheaper than jest's source-mapped one when
 * `fn` throws and catches many of them), and no frames for cdktf's token records (see setup.ts).
 * Failures inside `fn` still carry a stack trace, just not a source-mapped one.
 */
export function withPlainStackTraces<T>(fn: () => T): T {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => (error instanceof Error ? [String(error), ...frames.map((f) => `    at ${f}`)].join("\n") : String(error));
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = saved;
  }
}
