/**
 * npm run bench [-- --runs N] [--json] [--suites] [--terraform]
 *
 * Median wall time and peak RSS of each case over N runs after one warm-up, and the ratio to a floor
 * measured in the same run: a Node process that reads and writes the same cdk.tf.json. Plain text
 * to paste into an issue, or --json. The test suites take minutes, so they run only with --suites
 * (unit) and --terraform (the real-Terraform suite, which needs Terraform and its providers).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandIo, defineCommand, EXIT, UsageError } from "./cli";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require("../../scripts/build-app.js") as { ensureBuilt: (name: string) => string };

const STACK = path.join("cdktf.out", "stacks", "aks-workload-identity", "cdk.tf.json");
const TIME = "/usr/bin/time";

interface BenchOptions {
  readonly runs: number;
  readonly json: boolean;
  readonly suites: boolean;
  readonly terraform: boolean;
}

/** A measured command failed: one line, exit 1. */
class BenchError extends Error {}

interface Sample {
  readonly seconds: number;
  readonly peakMiB?: number;
}

interface Case {
  readonly name: string;
  readonly command: string[];
  readonly cwd: string;
  readonly env?: Record<string, string>;
  readonly runs: number;
}

interface Result {
  readonly name: string;
  readonly runs: number;
  readonly medianSeconds: number;
  readonly medianPeakMiB?: number;
  readonly timesFloor?: number;
}

function measure(c: Case): Sample {
  const useTime = fs.existsSync(TIME);
  const argv = useTime ? [TIME, "-f", "%e %M", ...c.command] : c.command;
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { cwd: c.cwd, env: { ...process.env, ...c.env }, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    const lines = result.stderr.trim().split("\n");
    if (useTime) lines.pop(); // time's own line
    throw new BenchError(`${c.name}: exit ${result.status}: ${lines.pop() ?? ""}`);
  }
  if (!useTime) return { seconds };
  const last = result.stderr.trim().split("\n").pop() ?? "";
  const [, kb] = last.split(" ").map(Number);
  return { seconds, peakMiB: kb / 1024 };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function run(c: Case): Result {
  measure(c); // warm-up: file cache
  const samples = Array.from({ length: c.runs }, () => measure(c));
  const peaks = samples.map((s) => s.peakMiB).filter((p): p is number => p !== undefined);
  return { name: c.name, runs: c.runs, medianSeconds: median(samples.map((s) => s.seconds)), medianPeakMiB: peaks.length ? median(peaks) : undefined };
}

function workloadConfig(dir: string, count: number): string {
  const workloads = Array.from({ length: count }, (_, i) => ({ namespace: `team-${i % 10}`, serviceAccount: `app-${i}`, identity: `id-${Math.floor(i / 20)}` }));
  const file = path.join(dir, `workloads-${count}.json`);
  fs.writeFileSync(file, JSON.stringify({ suffix: "be4c40", workloads }));
  return file;
}

/** Runs the bench: every case, then the table or JSON on stdout. @throws BenchError when a measured command fails */
function bench(options: BenchOptions, io: CommandIo): void {
  const ROOT = io.cwd;
  const { runs } = options;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-bench-"));
  const APP = ensureBuilt("main");
  try {
    // The floor reads and writes the very file the default synth writes.
    const floorDir = path.join(scratch, "floor");
    fs.mkdirSync(floorDir);
    const synthed = spawnSync(process.execPath, [APP], { cwd: floorDir, encoding: "utf8" });
    if (synthed.status !== 0) throw new BenchError(`the floor's synth: exit ${synthed.status}: ${synthed.stderr.trim().split("\n").pop() ?? ""}`);
    const floorScript = `const fs=require("fs");const t=fs.readFileSync(${JSON.stringify(path.join(floorDir, STACK))},"utf8");fs.writeFileSync(${JSON.stringify(path.join(floorDir, "copy.json"))},JSON.stringify(JSON.parse(t),null,2));`;
    const cases: Case[] = [
      { name: "floor: node reads and writes cdk.tf.json", command: [process.execPath, "-e", floorScript], cwd: floorDir, runs },
      { name: "synth, default configuration", command: [process.execPath, APP], cwd: scratch, runs },
      ...[10, 100, 1000].map((n) => ({
        name: `synth, ${n} workloads`,
        command: [process.execPath, APP],
        cwd: scratch,
        env: { AKS_WI_CONFIG: workloadConfig(scratch, n) },
        runs,
      })),
      {
        name: "npx cdktf synth, end to end",
        command: [process.execPath, path.join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf"), "synth", "--output", path.join(scratch, "cli.out")],
        cwd: ROOT,
        env: { CHECKPOINT_DISABLE: "1", CI: "1" },
        runs: Math.min(runs, 3),
      },
    ];
    // The CLI's own share: the same command on a project whose app only copies a finished output.
    const cliOnly = path.join(scratch, "cli-only");
    fs.mkdirSync(cliOnly);
    fs.writeFileSync(path.join(cliOnly, "copy.js"), `require("fs").cpSync(${JSON.stringify(path.join(floorDir, "cdktf.out"))}, process.env.CDKTF_OUTDIR, { recursive: true });`);
    fs.writeFileSync(path.join(cliOnly, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node copy.js", sendCrashReports: "false", terraformProviders: [], terraformModules: [], context: {} }));
    cases.push({
      name: "npx cdktf synth, CLI alone (app copies output)",
      command: [process.execPath, path.join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf"), "synth", "--output", path.join(scratch, "cli-only.out")],
      cwd: cliOnly,
      env: { CHECKPOINT_DISABLE: "1", CI: "1" },
      runs: Math.min(runs, 3),
    });
    // The suites take a minute or more a run: at most three runs (a median still), after the warm-up.
    if (options.suites) cases.push({ name: "unit suite (npm test)", command: [process.execPath, path.join(ROOT, "node_modules", ".bin", "jest")], cwd: ROOT, runs: Math.min(runs, 3) });
    if (options.terraform) {
      cases.push({ name: "Terraform suite (npm run test:terraform)", command: [process.execPath, path.join(ROOT, "node_modules", ".bin", "jest"), "--config", "jest.terraform.config.js"], cwd: ROOT, runs: Math.min(runs, 3) });
    }

    const results: Result[] = [];
    for (const c of cases) results.push(run(c));
    const floor = results[0].medianSeconds;
    const withRatio = results.map((r) => ({ ...r, timesFloor: r.medianSeconds / floor }));
    const seconds = (name: string) => withRatio.find((r) => r.name.startsWith(name))?.medianSeconds ?? NaN;
    const ours = seconds("npx cdktf synth, end to end") - seconds("npx cdktf synth, CLI alone");
    const targets = targetVerdicts(withRatio);
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ node: process.version, cpus: os.cpus().length, results: withRatio, cdktfSynthBeyondCliSeconds: ours, targets }, null, 2)}\n`);
      return;
    }
    const rows = withRatio.map((r) => [r.name, String(r.runs), r.medianSeconds.toFixed(3), r.medianPeakMiB?.toFixed(0) ?? "-", `${r.timesFloor.toFixed(1)}x`]);
    const header = ["case", "runs", "median s", "peak MiB", "vs floor"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
    io.stdout.write(
      `node ${process.version}, ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ""}\n${line(header)}\n${rows.map(line).join("\n")}\n` +
        `npx cdktf synth beyond the CLI's own share: ${ours.toFixed(3)} s\n` +
        targets.map((t) => `target: ${t.name} at most ${t.limit}: ${t.measured}, ${t.met ? "met" : "NOT MET"}\n`).join(""),
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A speed the project holds itself to (issue 17), read from the bench's own cases. */
export interface Target {
  /** The case it is measured on. */
  readonly name: string;
  /** What it must stay within: a multiple of the floor, or seconds. */
  readonly limit: { readonly timesFloor: number } | { readonly seconds: number };
}

export const TARGETS: readonly Target[] = [
  { name: "synth, default configuration", limit: { timesFloor: 5 } },
  { name: "synth, 1000 workloads", limit: { seconds: 1.5 } },
];

export interface TargetVerdict {
  readonly name: string;
  /** The limit and the measured value, as the bench prints them: `5.0x floor`, `1.500 s`. */
  readonly limit: string;
  readonly measured: string;
  readonly met: boolean;
}

/** Each target, against the medians of one run (a target whose case did not run is left out). */
export function targetVerdicts(results: readonly { name: string; medianSeconds: number; timesFloor: number }[], targets = TARGETS): TargetVerdict[] {
  return targets.flatMap((target) => {
    const result = results.find((r) => r.name === target.name);
    if (!result) return [];
    return "timesFloor" in target.limit
      ? [{ name: target.name, limit: `${target.limit.timesFloor.toFixed(1)}x floor`, measured: `${result.timesFloor.toFixed(1)}x`, met: result.timesFloor <= target.limit.timesFloor }]
      : [{ name: target.name, limit: `${target.limit.seconds.toFixed(3)} s`, measured: `${result.medianSeconds.toFixed(3)} s`, met: result.medianSeconds <= target.limit.seconds }];
  });
}

/** `npm run bench`. */
export const benchCommand = defineCommand(
  {
    name: "bench",
    usage: ["npm run bench -- [--runs N] [--json] [--suites] [--terraform]"],
    about: `Median wall time and peak memory of synthesis (default configuration; 10, 100 and 1000
workloads; npx cdktf synth) against a floor measured in the same run: a Node process that reads
and writes the same cdk.tf.json; then the project's targets (synthesis of the default
configuration at most 5x the floor, of 1000 workloads at most 1.5 s), each met or not. The test
suites take minutes, so they run only when asked.`,
    options: {
      runs: { type: "string", value: "N", help: "runs of each case after one warm-up (5; the suites and npx cdktf synth at most 3)" },
      json: { type: "boolean", help: "print the results as JSON" },
      suites: { type: "boolean", help: "also time the unit suite (npm test)" },
      terraform: { type: "boolean", help: "also time the real-Terraform suite (needs Terraform and its providers)" },
    },
    exits: [
      [EXIT.ok, "measured"],
      [EXIT.failed, "a measured command failed"],
    ],
  },
  ({ values }, io: CommandIo) => {
    const runs = values.runs === undefined ? 5 : Number(values.runs);
    if (!/^[1-9]\d{0,3}$/.test(values.runs ?? "5")) throw new UsageError(`--runs must be a whole number from 1 to 9999, not ${JSON.stringify(values.runs)}; e.g. --runs 5`);
    try {
      bench({ runs, json: values.json === true, suites: values.suites === true, terraform: values.terraform === true }, io);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof BenchError)) throw error;
      io.stderr.write(`bench: ${error.message}\n`);
      return EXIT.failed;
    }
  },
);
