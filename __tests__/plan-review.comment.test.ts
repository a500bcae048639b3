import { execFile } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { OUTDATED_MARKER, outdatedBody, risksAcceptedBy } from "../lib/review/pr-comment";
import { COMMENT_LIMIT, REVIEW_MARKER } from "../lib/review/render-plan-review";
import { builtCommand } from "./app-process";

// The pull-request workflow's comment step, run as the workflow runs it (the built command) against
// a stand-in for GitHub's REST API on 127.0.0.1.

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

interface Call {
  method: string;
  url: string;
  authorization?: string;
  body?: { body: string };
}

const BOT = { login: "github-actions[bot]", type: "Bot" };
const REPO = "octo/infra";
const PR = 12;
const SHA = "0123456789abcdef0123456789abcdef01234567";
const RUN = "https://github.com/octo/infra/actions/runs/42";

/** GitHub's issue comments API, as far as the script uses it, with two comments a page so that paging shows. */
class FakeGitHub {
  public comments: Comment[] = [];
  public calls: Call[] = [];
  /** Answers with this status to writes whose body this returns true for. */
  public failWrite?: (method: string, body: string) => number | undefined;
  /** Where the next-page links point: this server, unless a test says otherwise. */
  public linkHost?: string;
  private server = http.createServer((req, res) => this.handle(req, res));
  private nextId = 1000;

  public async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  public add(body: string, user = BOT): Comment {
    const comment = { id: this.nextId++, body, user };
    this.comments.push(comment);
    return comment;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let data = "";
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => {
      const body = data ? (JSON.parse(data) as { body: string }) : undefined;
      this.calls.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, ...(body ? { body } : {}) });
      const url = new URL(req.url!, "http://127.0.0.1");
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(JSON.stringify(json));
      };
      const list = new RegExp(`^/repos/${REPO}/issues/${PR}/comments$`);
      const one = new RegExp(`^/repos/${REPO}/issues/comments/(\\d+)$`);
      if (req.method === "GET" && list.test(url.pathname)) {
        const page = Number(url.searchParams.get("page") ?? "1");
        const slice = this.comments.slice((page - 1) * 2, page * 2);
        const more = page * 2 < this.comments.length;
        const host = this.linkHost ?? `http://${req.headers.host}`;
        return send(200, slice, more ? { Link: `<${host}${url.pathname}?per_page=100&page=${page + 1}>; rel="next"` } : {});
      }
      const failed = body && this.failWrite?.(req.method!, body.body);
      if (failed) return send(failed, { message: "Validation Failed" });
      if (req.method === "POST" && list.test(url.pathname)) return send(201, this.add(body!.body));
      const match = one.exec(url.pathname);
      if (req.method === "PATCH" && match) {
        const comment = this.comments.find((c) => c.id === Number(match[1]));
        if (!comment) return send(404, { message: "Not Found" });
        comment.body = body!.body;
        return send(200, comment);
      }
      send(404, { message: "Not Found" });
    });
  }
}

let dir: string;
let cli: string;
let github: FakeGitHub;
let api: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-comment-"));
  cli = builtCommand("plan-review-comment");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  github = new FakeGitHub();
  api = await github.start();
});
afterEach(() => github.stop());

function review(text = "Plan: 1 to create, 0 to update, 0 to replace, 0 to destroy."): string {
  const file = path.join(dir, `review-${Math.random().toString(36).slice(2)}.md`);
  fs.writeFileSync(file, `${REVIEW_MARKER}\n## Terraform plan review\n\n${text}\n`);
  return file;
}

function comment(args: string[], env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { PATH: process.env.PATH, GH_TOKEN: "token-123", GITHUB_REPOSITORY: REPO, GITHUB_API_URL: api, ...env }, encoding: "utf8" },
      (error, stdout, stderr) => resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const post = (file: string) => comment(["post", "--pr", String(PR), "--body", file, "--commit", SHA, "--run-url", RUN]);

describe("plan-review-comment post", () => {
  test("creates the review when the pull request has none, with the token, and nothing else", async () => {
    const file = review();
    const result = await post(file);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toBe(`plan-review-comment: created comment 1000 on pull request ${PR}\n`);
    expect(github.comments).toEqual([{ id: 1000, body: fs.readFileSync(file, "utf8"), user: BOT }]);
    expect(github.calls.map((c) => `${c.method} ${c.url.split("?")[0]}`)).toEqual([`GET /repos/${REPO}/issues/${PR}/comments`, `POST /repos/${REPO}/issues/${PR}/comments`]);
    expect(github.calls.every((c) => c.authorization === "Bearer token-123")).toBe(true);
  });

  test("updates its own comment, found on a later page, and never another's: not a person's, not another bot's, not one without the marker", async () => {
    const person = github.add(`${REVIEW_MARKER}\nI copied the marker`, { login: "mallory", type: "User" });
    const otherWorkflow = github.add("## Lint results\n\nall good");
    const otherBot = github.add(`${REVIEW_MARKER}\nnot ours`, { login: "renovate[bot]", type: "Bot" });
    const quoted = github.add(`> ${REVIEW_MARKER}\nquoted`);
    const own = github.add(`${REVIEW_MARKER}\n## Terraform plan review\n\nold`);
    const file = review("new");
    const result = await post(file);
    expect(result).toMatchObject({ status: 0, stdout: `plan-review-comment: updated comment ${own.id} on pull request ${PR}\n` });
    expect(github.comments.find((c) => c.id === own.id)!.body).toBe(fs.readFileSync(file, "utf8"));
    for (const other of [person, otherWorkflow, otherBot, quoted]) expect(github.comments.find((c) => c.id === other.id)).toEqual(other);
    // Three pages of two.
    expect(github.calls.filter((c) => c.method === "GET")).toHaveLength(3);
    expect(github.calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.url}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/${own.id}`]);
  });

  test("updates the newest of several of its own", async () => {
    github.add(`${REVIEW_MARKER}\nfirst`);
    const newest = github.add(`${REVIEW_MARKER}\nsecond`);
    await post(review());
    expect(github.calls.filter((c) => c.method === "PATCH").map((c) => c.url)).toEqual([`/repos/${REPO}/issues/comments/${newest.id}`]);
  });

  test("a failed update fails the step and marks the old review outdated, naming the commit and the run", async () => {
    const own = github.add(`${REVIEW_MARKER}\n## Terraform plan review\n\nthe review of the last commit`);
    github.failWrite = (_method, body) => (body.includes(OUTDATED_MARKER) ? undefined : 422);
    const result = await post(review());
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `::error title=Plan review not posted::PATCH /repos/${REPO}/issues/comments/${own.id}: HTTP 422: Validation Failed; the old review is marked outdated\n`,
    );
    expect(github.comments.find((c) => c.id === own.id)!.body).toBe(
      [
        REVIEW_MARKER,
        OUTDATED_MARKER,
        `**Outdated.** The review of commit \`${SHA}\` could not be posted ([workflow run](${RUN})): what follows is the review of an earlier commit. Do not rely on it.`,
        "",
        "## Terraform plan review",
        "",
        "the review of the last commit",
      ].join("\n"),
    );
  });

  test("a failed create fails the step; there is nothing to mark", async () => {
    github.failWrite = () => 403;
    const result = await post(review());
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(`::error title=Plan review not posted::POST /repos/${REPO}/issues/${PR}/comments: HTTP 403: Validation Failed\n`);
    expect(github.comments).toEqual([]);
  });

  test("refuses a review over GitHub's limit, or without the marker, and marks the old one outdated", async () => {
    const own = github.add(`${REVIEW_MARKER}\nold`);
    const big = path.join(dir, "big.md");
    fs.writeFileSync(big, `${REVIEW_MARKER}\n${"x".repeat(COMMENT_LIMIT)}`);
    const result = await post(big);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`the review has ${COMMENT_LIMIT + REVIEW_MARKER.length + 1} characters, over GitHub's ${COMMENT_LIMIT} for a comment; the old review is marked outdated`);
    expect(github.comments.find((c) => c.id === own.id)!.body.split("\n")[1]).toBe(OUTDATED_MARKER);
    const unmarked = path.join(dir, "unmarked.md");
    fs.writeFileSync(unmarked, "## Terraform plan review\n");
    expect((await post(unmarked)).stdout).toContain(`the review does not start with ${REVIEW_MARKER}`);
  });

  test("never follows a next page to another host: the token goes with every request", async () => {
    for (let i = 0; i < 3; i++) github.add(`comment ${i}`);
    github.linkHost = "http://198.51.100.7";
    const result = await post(review());
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("GitHub's next page is on another host (http://198.51.100.7)");
    expect(github.calls).toHaveLength(1);
  });

  test("refuses an API URL that is not https (but this machine's, for tests), before any request", async () => {
    const result = await comment(["post", "--pr", String(PR), "--body", review()], { GITHUB_API_URL: "http://api.github.com" });
    expect(result).toMatchObject({ status: 1, stdout: '::error title=Plan review not posted::GITHUB_API_URL "http://api.github.com" is not https: the token would travel in clear\n' });
    expect(github.calls).toEqual([]);
  });

  test.each([
    [["post", "--pr", "12"], 2, "post needs --body FILE"],
    [["post", "--pr", "twelve", "--body", "x"], 2, '--pr "twelve" is not a pull request number'],
    [["post", "--pr", "12", "--body", "missing.md"], 1, "cannot read missing.md: no such file"],
    [["publish"], 2, "unknown command publish; give one of post, outdated, risks-accepted-by"],
    [["post", "--pr", "12", "--bdy", "x"], 2, "unknown option --bdy; did you mean --body? (node scripts/run.js plan-review-comment --help)"],
  ])("usage errors (exit 2) and unreadable input (exit 1): %j", async (args, status, message) => {
    const result = await comment(args);
    expect(result.status).toBe(status);
    expect(result.stderr.split("\n")[0]).toBe(`plan-review-comment: ${message}`);
    expect(github.calls).toEqual([]);
  });
});

describe("plan-review-comment outdated", () => {
  test("marks the review outdated once, replacing an earlier notice instead of stacking them", async () => {
    const own = github.add(`${REVIEW_MARKER}\n## Terraform plan review\n\nbody`);
    expect(await comment(["outdated", "--pr", String(PR), "--commit", SHA, "--run-url", RUN])).toMatchObject({ status: 0, stdout: `plan-review-comment: marked comment ${own.id} outdated\n` });
    const once = github.comments[0].body;
    await comment(["outdated", "--pr", String(PR), "--commit", "89abcdef", "--run-url", RUN]);
    const twice = github.comments[0].body;
    expect(twice.split(OUTDATED_MARKER)).toHaveLength(2);
    expect(twice).toContain("commit `89abcdef`");
    expect(twice.split("\n").slice(4)).toEqual(once.split("\n").slice(4));
    expect(twice.endsWith("## Terraform plan review\n\nbody")).toBe(true);
  });

  test("does nothing when there is no review", async () => {
    github.add("a person's comment", { login: "alice", type: "User" });
    expect(await comment(["outdated", "--pr", String(PR)])).toMatchObject({ status: 0, stdout: `plan-review-comment: no review on pull request ${PR} to mark outdated\n` });
    expect(github.calls.map((c) => c.method)).toEqual(["GET"]);
  });
});

describe("outdatedBody", () => {
  test("cuts a review that the notice would take over the limit, at a line, and says so", () => {
    const lines = [REVIEW_MARKER];
    while (Array.from(lines.join("\n")).length < COMMENT_LIMIT - 100) lines.push(`- line ${lines.length - 1} ${"x".repeat(30)}`);
    const old = lines.join("\n");
    expect(Array.from(old).length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const body = outdatedBody(old, { commit: SHA });
    expect(Array.from(body).length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.endsWith("(The rest of this outdated review was cut to make room for the notice above.)")).toBe(true);
    expect(body.split("\n").slice(4, 6)).toEqual([`- line 0 ${"x".repeat(30)}`, `- line 1 ${"x".repeat(30)}`]);
  });

  test("names no commit or run it cannot vouch for", () => {
    expect(outdatedBody(`${REVIEW_MARKER}\nold`, { commit: "not a sha", runUrl: "javascript:alert(1)" }).split("\n")[2]).toBe(
      "**Outdated.** The review could not be posted: what follows is the review of an earlier commit. Do not rely on it.",
    );
  });
});

describe("risks-accepted-by", () => {
  const event = (overrides: Record<string, unknown> = {}) => ({
    action: "labeled",
    label: { name: "plan-risks-accepted" },
    sender: { login: "alice", type: "User" },
    pull_request: { user: { login: "bob" }, head: { sha: SHA } },
    ...overrides,
  });

  test.each([
    ["a reviewer adding the label", event(), "alice"],
    ["the author adding it", event({ sender: { login: "Bob", type: "User" } }), undefined],
    ["a bot adding it", event({ sender: { login: "renovate[bot]", type: "Bot" } }), undefined],
    ["another label", event({ label: { name: "documentation" } }), undefined],
    ["a push to a labelled pull request", event({ action: "synchronize", label: undefined }), undefined],
    ["no event", null, undefined],
    ["a login that is not one", event({ sender: { login: "alice\n::error::x", type: "User" } }), undefined],
  ])("%s", (_, e, expected) => {
    expect(risksAcceptedBy(e, "plan-risks-accepted")).toBe(expected);
  });

  test("the command reads the event the run started with, and prints the login or nothing", async () => {
    const file = path.join(dir, "event.json");
    fs.writeFileSync(file, JSON.stringify(event()));
    expect(await comment(["risks-accepted-by", "--label", "plan-risks-accepted"], { GITHUB_EVENT_PATH: file })).toEqual({ status: 0, stdout: "alice\n", stderr: "" });
    fs.writeFileSync(file, JSON.stringify(event({ action: "opened" })));
    expect(await comment(["risks-accepted-by", "--label", "plan-risks-accepted"], { GITHUB_EVENT_PATH: file })).toEqual({ status: 0, stdout: "", stderr: "" });
    expect((await comment(["risks-accepted-by", "--label", "plan-risks-accepted"])).stderr.split("\n")[0]).toBe(
      "plan-review-comment: GITHUB_EVENT_PATH is not set: risks-accepted-by reads the event that started the run",
    );
  });
});
