import * as fs from "fs";
import * as path from "path";
import { planFingerprint } from "../review/plan-fingerprint";
import { PlanFormatError, reviewPlan } from "../review/plan-review";
import { COMMENT_LIMIT, MIN_LIMIT, renderPlanReview, SUMMARY_LIMIT } from "../review/render-plan-review";
import { visible } from "../private/visible-text";
import { defineCommand, EXIT, Parsed, UsageError, Writer } from "./cli";

/** Exit codes: a CI step can tell "risky plan" from "could not review" and "the plan failed". */
export const EXIT_OK = EXIT.ok;
/** The file is missing, unreadable or not a plan, an output cannot be written, or the plan failed (`errored`). */
export const EXIT_ERROR = EXIT.failed;
export const EXIT_USAGE = EXIT.usage;
/** With --fail-on-risk: risks nobody accepted. */
export const EXIT_RISK = 3;

export interface PlanReviewIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /**
   * Reads a file as UTF-8; `-` is standard input.
   * @default - fs.readFileSync
   */
  readonly readFile?: (file: string) => string;
  /**
   * Writes a file as UTF-8.
   * @default - fs.writeFileSync
   */
  readonly writeFile?: (file: string, text: string) => void;
}

/** The file or an output cannot be used; printed without a stack trace, one line. */
class InputError extends Error {}

const OPTIONS = {
  "fail-on-risk": { type: "boolean", help: "exit 3 when the plan has risks nobody accepted" },
  "risks-accepted-by": { type: "string", value: "LOGIN", help: "the GitHub login who accepted the risks (with --fail-on-risk: exit 0, and the review says who)" },
  commit: { type: "string", value: "SHA", help: "the commit reviewed, named in the review (7-64 hex digits)" },
  "run-url": { type: "string", value: "URL", help: "the workflow run, linked from the review (a plain https URL)" },
  "max-size": { type: "string", value: "BYTES", help: `the review's size limit (${COMMENT_LIMIT}, GitHub's limit for a comment; at least ${MIN_LIMIT})` },
  out: { type: "string", value: "FILE", help: "write the review to FILE instead of stdout" },
  "summary-out": { type: "string", value: "FILE", help: "write the review within 1 MiB (a job summary's limit) to FILE" },
  "full-out": { type: "string", value: "FILE", help: "write the whole review to FILE" },
  fingerprint: { type: "boolean", help: "print the fingerprint of the plan's changes instead (with --out only)" },
} as const;

/**
 * `plan-review [options] plan.json`: writes the Markdown review of the plan, within `--max-size`
 * bytes (65,536, GitHub's limit for a comment), to stdout or `--out FILE`; `--summary-out FILE`
 * writes it within 1 MiB (a job summary's limit) and `--full-out FILE` whole. With
 * `--fingerprint`, writes the plan's fingerprint (see plan-fingerprint.ts) instead, one line, for a
 * deploy job to compare with the one of the reviewed plan. Every output is written only once the
 * plan has been read and every review made.
 */
export const planReviewCommand = defineCommand(
  {
    name: "plan-review",
    usage: [
      "npm run plan-review -- [--fail-on-risk [--risks-accepted-by LOGIN]] [--commit SHA] [--run-url URL] [--max-size BYTES] [--out FILE] [--summary-out FILE] [--full-out FILE] plan.json",
      "npm run plan-review -- --fingerprint [--out FILE] plan.json",
    ],
    about: `A pull-request review of a plan (plan.json from \`terraform show -json <planfile>\`; - reads stdin):
risks, access changes, federated credentials and every change, in Markdown within a comment's size.
--fingerprint prints the fingerprint of the plan's changes instead, which a deploy job compares
with the reviewed plan's. Every output is written only once the plan is read and reviewed
(help/plan-review.md).`,
    options: OPTIONS,
    positionals: { name: "plan file", max: 1 },
    exits: [
      [EXIT_OK, "reviewed (or fingerprinted)"],
      [EXIT_ERROR, "the file is missing, unreadable or not a plan, an output cannot be written, or the plan is one\n     that failed (errored: true; its review is written)"],
      [EXIT_RISK, "with --fail-on-risk: risks nobody accepted (the review is written)"],
    ],
  },
  (args, io: PlanReviewIo) => review(options(args), io),
);

/** The command as the tests and older callers call it. */
export function runPlanReview(argv: readonly string[], io: PlanReviewIo): number {
  return planReviewCommand(argv, io);
}

function review(options: Options, io: PlanReviewIo): number {
  const readFile = io.readFile ?? ((file: string) => fs.readFileSync(file === "-" ? 0 : file, "utf8"));
  const writeFile = io.writeFile ?? ((file: string, text: string) => fs.writeFileSync(file, text));
  try {
    const write = (file: string | undefined, text: string) => {
      if (file === undefined) {
        io.stdout.write(text);
        return;
      }
      try {
        writeFile(file, text);
      } catch (error) {
        throw new InputError(`cannot write ${file}: ${reason(error)}`);
      }
    };
    if (options.fingerprint) {
      write(options.out, `${readPlan(options.plan, readFile, planFingerprint)}\n`);
      return EXIT_OK;
    }
    const review = readPlan(options.plan, readFile, reviewPlan);
    const common = {
      ...(options.commit !== undefined ? { commit: options.commit } : {}),
      ...(options.runUrl !== undefined ? { runUrl: options.runUrl } : {}),
      riskGate: { failOnRisk: options.failOnRisk, ...(options.acceptedBy !== undefined ? { acceptedBy: options.acceptedBy } : {}) },
    };
    const artifact = options.runUrl !== undefined ? `the \`plan-review\` artifact of the [workflow run](${options.runUrl})` : undefined;
    const outputs: [string | undefined, string][] = [];
    const toStdout = options.out === undefined && options.summaryOut === undefined && options.fullOut === undefined;
    if (options.out !== undefined || toStdout) {
      const fullReview = artifact ? `the job summary and ${artifact}` : undefined;
      outputs.push([options.out, renderPlanReview(review, { ...common, maxBytes: options.maxSize, ...(fullReview ? { fullReview } : {}) })]);
    }
    if (options.summaryOut !== undefined) outputs.push([options.summaryOut, renderPlanReview(review, { ...common, maxBytes: SUMMARY_LIMIT, ...(artifact ? { fullReview: artifact } : {}) })]);
    if (options.fullOut !== undefined) outputs.push([options.fullOut, renderPlanReview(review, common)]);
    for (const [file, text] of outputs) write(file, text);
    if (review.errored) {
      io.stderr.write(`plan-review: ${visible(options.plan)} is a plan that failed (errored: true): the review says so, and nothing in it can be applied; the errors are in the output of terraform plan\n`);
      return EXIT_ERROR;
    }
    if (options.failOnRisk && review.risks.length > 0 && options.acceptedBy === undefined) {
      io.stderr.write(`plan-review: ${review.risks.length} risk${review.risks.length === 1 ? "" : "s"} in ${visible(options.plan)} (--fail-on-risk)\n`);
      return EXIT_RISK;
    }
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // One line: a file name may hold a line break.
    io.stderr.write(`plan-review: ${visible(error.message)}\n`);
    return EXIT_ERROR;
  }
}

interface Options {
  readonly failOnRisk: boolean;
  readonly fingerprint: boolean;
  readonly acceptedBy?: string;
  readonly commit?: string;
  readonly runUrl?: string;
  readonly maxSize: number;
  readonly out?: string;
  readonly summaryOut?: string;
  readonly fullOut?: string;
  readonly plan: string;
}

/** The options' values checked, every problem at once. @throws UsageError */
function options({ values, positionals }: Parsed<typeof OPTIONS>): Options {
  const problems: string[] = [];
  if (positionals.length === 0) problems.push("no plan file given; name the JSON of `terraform show -json <planfile>`, or - for stdin");
  const failOnRisk = values["fail-on-risk"] === true;
  const fingerprint = values.fingerprint === true;
  // A fingerprint has no risks to fail on: a job that asked for both would believe it had checked them.
  if (failOnRisk && fingerprint) problems.push("--fail-on-risk and --fingerprint do not go together; give one");
  if (fingerprint) {
    for (const name of ["risks-accepted-by", "commit", "run-url", "max-size", "summary-out", "full-out"] as const) {
      if (values[name] !== undefined) problems.push(`--${name} does not go with --fingerprint; leave it out`);
    }
  }
  const commit = values.commit;
  if (commit !== undefined && !/^[0-9a-f]{7,64}$/i.test(commit)) problems.push(`--commit ${JSON.stringify(commit)} is not a commit SHA: give 7 to 64 hexadecimal digits, e.g. $GITHUB_SHA`);
  const runUrl = values["run-url"];
  if (runUrl !== undefined && !/^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/.test(runUrl)) {
    problems.push(`--run-url ${JSON.stringify(runUrl)} is not a plain https URL (letters, digits and . _ ~ % / - only): give the run's URL, $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`);
  }
  const acceptedBy = values["risks-accepted-by"];
  if (acceptedBy !== undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(acceptedBy)) problems.push(`--risks-accepted-by ${JSON.stringify(acceptedBy)} is not a GitHub login (1-39 letters, digits and -)`);
  const size = values["max-size"];
  const maxSize = size === undefined ? COMMENT_LIMIT : Number(size);
  if (size !== undefined && !(/^\d+$/.test(size) && maxSize >= MIN_LIMIT && maxSize <= COMMENT_LIMIT)) {
    problems.push(`--max-size ${JSON.stringify(size)} is not a whole number of bytes from ${MIN_LIMIT} to ${COMMENT_LIMIT} (GitHub's limit for a comment)`);
  }
  const files = [values.out, values["summary-out"], values["full-out"]].filter((file): file is string => file !== undefined);
  // Compared as the paths they resolve to: --out review.md --full-out ./review.md would write one file twice.
  if (new Set(files.map((file) => path.resolve(file))).size !== files.length) problems.push("--out, --summary-out and --full-out must name different files");
  if (problems.length > 0) throw new UsageError(...problems);
  return {
    failOnRisk,
    fingerprint,
    maxSize,
    plan: positionals[0],
    ...(acceptedBy !== undefined ? { acceptedBy } : {}),
    ...(commit !== undefined ? { commit } : {}),
    ...(runUrl !== undefined ? { runUrl } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values["summary-out"] !== undefined ? { summaryOut: values["summary-out"] } : {}),
    ...(values["full-out"] !== undefined ? { fullOut: values["full-out"] } : {}),
  };
}

function readPlan<T>(file: string, readFile: (file: string) => string, read: (plan: unknown) => T): T {
  const name = file === "-" ? "standard input" : file;
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new InputError(`cannot read ${name}: ${reason(error)}`);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${name} is not JSON (${reason(error)}); give it the output of \`terraform show -json <planfile>\``);
  }
  try {
    return read(plan);
  } catch (error) {
    if (error instanceof PlanFormatError) throw new InputError(`${name} is ${error.message}`);
    throw error;
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
