import * as fs from "fs";
import { visible } from "../private/visible-text";
import { GitHubApi, GitHubError, markOutdated, postReview, risksAcceptedBy } from "../review/pr-comment";
import { CommandIo, defineCommand, EXIT, UsageError } from "./cli";

type CommentIo = CommandIo;

/** A problem with the input (a file, the event) or GitHub's configuration: one line, exit 1. */
class InputError extends Error {}

const SUBCOMMANDS = ["post", "outdated", "risks-accepted-by"] as const;

/**
 * `post`: puts the review in FILE on pull request N as this workflow's comment (updated in place;
 * on failure the old review is marked outdated, and the exit is 1). `outdated`: marks the old
 * review outdated (for a run that failed before it had a review). `risks-accepted-by`: prints the
 * login of the reviewer whose adding the label started this run, or nothing.
 * Failures are written as GitHub Actions `::error` annotations.
 */
export const planReviewCommentCommand = defineCommand(
  {
    name: "plan-review-comment",
    usage: [
      "node scripts/run.js plan-review-comment post --pr N --body FILE [--commit SHA] [--run-url URL]",
      "node scripts/run.js plan-review-comment outdated --pr N [--commit SHA] [--run-url URL]",
      "node scripts/run.js plan-review-comment risks-accepted-by --label NAME",
    ],
    about: `The workflow's pull-request comment. post puts the review in FILE on pull request N as this
workflow's comment (updated in place; if that fails the old review is marked outdated); outdated
marks the old review outdated; risks-accepted-by prints the login of the reviewer whose adding the
label started this run, or nothing. post and outdated need GH_TOKEN or GITHUB_TOKEN,
GITHUB_REPOSITORY and GITHUB_API_URL; risks-accepted-by reads GITHUB_EVENT_PATH. GitHub's errors are
printed as ::error annotations.`,
    options: {
      pr: { type: "string", value: "N", help: "the pull request's number" },
      body: { type: "string", value: "FILE", help: "the review to post (post)" },
      commit: { type: "string", value: "SHA", help: "the commit reviewed, named in an outdated notice" },
      "run-url": { type: "string", value: "URL", help: "the workflow run, linked from an outdated notice" },
      label: { type: "string", value: "NAME", help: "the label that accepts risks (risks-accepted-by)" },
    },
    positionals: { name: "command (post, outdated or risks-accepted-by)", max: 1 },
    exits: [
      [EXIT.ok, "posted, marked, or printed"],
      [EXIT.failed, "GitHub refused or could not be reached (an ::error annotation), or the body or the event cannot be\n     read"],
    ],
  },
  async ({ values, positionals }, io: CommentIo) => {
    const [command] = positionals;
    if (command === undefined) throw new UsageError(`no command given; give one of ${SUBCOMMANDS.join(", ")}`);
    if (!(SUBCOMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command ${command}; give one of ${SUBCOMMANDS.join(", ")}`);
    const env = io.env;
    try {
      switch (command as (typeof SUBCOMMANDS)[number]) {
        case "post": {
          const pr = prNumber(values.pr);
          if (values.body === undefined) throw new UsageError("post needs --body FILE");
          const body = readBody(values.body);
          const result = await postReview(api(env), pr, body, context(values));
          io.stdout.write(`plan-review-comment: ${result.action} comment ${result.id} on pull request ${pr}\n`);
          return EXIT.ok;
        }
        case "outdated": {
          const pr = prNumber(values.pr);
          const id = await markOutdated(api(env), pr, context(values));
          io.stdout.write(id === undefined ? `plan-review-comment: no review on pull request ${pr} to mark outdated\n` : `plan-review-comment: marked comment ${id} outdated\n`);
          return EXIT.ok;
        }
        case "risks-accepted-by": {
          const label = values.label;
          if (!label) throw new UsageError("risks-accepted-by needs --label NAME");
          const file = env.GITHUB_EVENT_PATH;
          if (!file) throw new InputError("GITHUB_EVENT_PATH is not set: risks-accepted-by reads the event that started the run");
          let event: unknown;
          try {
            event = JSON.parse(fs.readFileSync(file, "utf8"));
          } catch (error) {
            throw new InputError(`cannot read the event ${file}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
          }
          const login = risksAcceptedBy(event, label);
          if (login !== undefined) io.stdout.write(`${login}\n`);
          return EXIT.ok;
        }
      }
    } catch (error) {
      if (error instanceof InputError) {
        io.stderr.write(`plan-review-comment: ${visible(error.message)}\n`);
        return EXIT.failed;
      }
      if (error instanceof GitHubError) {
        io.stdout.write(`::error title=Plan review not posted::${visible(error.message)}\n`);
        return EXIT.failed;
      }
      throw error;
    }
  },
);

/** The command as the tests and older callers call it: the environment apart. */
export function runPlanReviewComment(argv: readonly string[], io: Pick<CommentIo, "stdout" | "stderr">, env: CommentIo["env"]): Promise<number> {
  return planReviewCommentCommand(argv, { ...io, env, cwd: process.cwd() });
}

function prNumber(pr: string | undefined): number {
  if (pr === undefined) throw new UsageError("--pr N is needed: the pull request's number");
  if (!/^[1-9]\d{0,9}$/.test(pr)) throw new UsageError(`--pr ${JSON.stringify(pr)} is not a pull request number`);
  return Number(pr);
}

function readBody(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message.split("\n")[0]}`);
  }
}

function context(values: { commit?: string; "run-url"?: string }): { commit?: string; runUrl?: string } {
  const commit = values.commit;
  const runUrl = values["run-url"];
  return { ...(commit !== undefined ? { commit } : {}), ...(runUrl !== undefined ? { runUrl } : {}) };
}

function api(env: CommentIo["env"]): GitHubApi {
  const token = env.GH_TOKEN ?? env.GITHUB_TOKEN ?? "";
  const repository = env.GITHUB_REPOSITORY ?? "";
  const apiUrl = env.GITHUB_API_URL ?? "https://api.github.com";
  try {
    new URL(apiUrl);
  } catch {
    throw new GitHubError(`GITHUB_API_URL ${JSON.stringify(apiUrl)} is not a URL`);
  }
  return { apiUrl, token, repository };
}
