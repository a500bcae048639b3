import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BUILTIN_ROLES, BUILTIN_ROLES_SOURCE } from "../lib/review/builtin-roles";

const ROOT = path.join(__dirname, "..");
const GENERATOR = path.join(ROOT, "scripts", "generate-builtin-roles.js");
const SOURCE_PATH = "modules/cached-data/role_definitions.tf.json";

describe("the built-in role table", () => {
  test("names the roles a review must recognize by id, and says where it comes from", () => {
    expect(BUILTIN_ROLES.get("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")).toBe("Owner");
    expect(BUILTIN_ROLES.get("b24988ac-6180-42a0-ab88-20f7382dd24c")).toBe("Contributor");
    expect(BUILTIN_ROLES.get("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")).toBe("User Access Administrator");
    expect(BUILTIN_ROLES.get("f58310d9-a9f6-439a-9e8d-f62e7b41a168")).toBe("Role Based Access Control Administrator");
    expect(BUILTIN_ROLES.get("4633458b-17de-408a-b874-0445c86b69e6")).toBe("Key Vault Secrets User");
    expect(BUILTIN_ROLES.get("b86a8fe4-44ce-4948-aee5-eccb2c155cd7")).toBe("Key Vault Secrets Officer");
    expect(BUILTIN_ROLES.get("acdd72a7-3385-48ef-bd42-f606fba81ae7")).toBe("Reader");
    expect(BUILTIN_ROLES.size).toBe(BUILTIN_ROLES_SOURCE.roles);
    expect(BUILTIN_ROLES_SOURCE).toEqual({
      repository: "github.com/Azure/terraform-azure-avm-utl-roledefinitions",
      path: SOURCE_PATH,
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      listDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      roles: expect.any(Number),
    });
    for (const [guid, name] of BUILTIN_ROLES) {
      expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(name).toMatch(/^[ -~]+$/);
    }
  });
});

describe("scripts/generate-builtin-roles.js", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "builtin-roles-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A repository with the source file at one commit, dated. */
  function sourceRepository(roles: unknown): string {
    const repo = path.join(dir, "source");
    fs.mkdirSync(path.join(repo, "modules", "cached-data"), { recursive: true });
    fs.writeFileSync(path.join(repo, SOURCE_PATH), JSON.stringify({ locals: { role_definitions_cached: { value: roles } } }));
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: repo,
        env: { ...process.env, GIT_AUTHOR_DATE: "2026-03-13T12:00:00Z", GIT_COMMITTER_DATE: "2026-03-13T12:00:00Z", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e.invalid" },
        encoding: "utf8",
      });
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "roles");
    return repo;
  }

  test("writes the table sorted by GUID, lowercased, with the repository, path, commit and date", () => {
    const repo = sourceRepository([
      { name: "B24988AC-6180-42A0-AB88-20F7382DD24C", roleName: "Contributor" },
      { name: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", roleName: "Owner" },
    ]);
    const out = path.join(dir, "roles.ts");
    const result = spawnSync(process.execPath, [GENERATOR, path.join(repo, ".git"), "--out", out], { encoding: "utf8" });
    expect(result.status).toBe(0);
    const commit = execFileSync("git", ["-C", repo, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const text = fs.readFileSync(out, "utf8");
    expect(text).toContain(`  commit: "${commit}",`);
    expect(text).toContain('  listDate: "2026-03-13",');
    expect(text).toContain("  roles: 2,");
    expect(text).toContain("const TABLE = `\n8e3af657-a8ff-443c-a75c-2fe8c4bcb635 Owner\nb24988ac-6180-42a0-ab88-20f7382dd24c Contributor\n`;");
    // The committed table is this generator's output: same shape.
    const committed = fs.readFileSync(path.join(ROOT, "lib", "review", "builtin-roles.ts"), "utf8");
    const shape = (t: string) => t.replace(/\nconst TABLE = `[^`]*`;/, "").replace(/: (".*"|\d+),/g, ": …,");
    expect(shape(committed)).toBe(shape(text));
  });

  test.each([
    ["a GUID listed twice", [{ name: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", roleName: "Owner" }, { name: "8E3AF657-A8FF-443C-A75C-2FE8C4BCB635", roleName: "Owner 2" }], "GUID 8e3af657-a8ff-443c-a75c-2fe8c4bcb635 is listed twice"],
    ["a name that is not a GUID", [{ name: "owner", roleName: "Owner" }], 'value[0].name "owner" is not a role GUID'],
    ["a name with a backtick", [{ name: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", roleName: "Own`er" }], "a role name holds a backtick, backslash or dollar sign"],
    ["no roles", [], "expected locals.role_definitions_cached.value to be a non-empty list"],
  ])("refuses %s, writing nothing", (_, roles, message) => {
    const repo = sourceRepository(roles);
    const out = path.join(dir, "roles.ts");
    const result = spawnSync(process.execPath, [GENERATOR, repo, "--out", out], { encoding: "utf8" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(fs.existsSync(out)).toBe(false);
  });
});
