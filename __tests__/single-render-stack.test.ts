import * as fs from "fs";
import * as path from "path";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { SingleRenderStack } from "../lib/app/single-render-stack";
import { renderOnlyApp } from "./helpers";

// The suite runs on cdktf in the main CI run and on cdktn in scripts/cdktn-check.sh: each test
// states what each core must do.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CORE = (require("cdktf/package.json") as { name: string }).name as "cdktf" | "cdktn";

/** A stack whose validation reads its rendered JSON, as the security policy does. */
class Probe extends SingleRenderStack {
  public validated: Record<string, unknown>[] = [];
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new TerraformOutput(this, "first", { value: "a" });
    this.node.addValidation({
      validate: () => {
        this.validated.push(this.renderForValidation());
        return [];
      },
    });
  }
}

const written = (app: { outdir: string }, stack: string) => JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

describe("SingleRenderStack", () => {
  let renders: jest.SpyInstance;
  let prepares: jest.SpyInstance;
  beforeEach(() => {
    renders = jest.spyOn(TerraformStack.prototype, "toTerraform");
    prepares = jest.spyOn(TerraformStack.prototype, "prepareStack");
  });
  afterEach(() => jest.restoreAllMocks());

  test("App.synth renders it once: synthesis writes what its validation rendered", () => {
    const app = renderOnlyApp();
    const stack = new Probe(app, "probe");
    app.synth();
    expect(renders.mock.calls.length).toBe(1);
    expect(stack.validated).toHaveLength(1);
    expect(written(app, "probe")).toEqual(JSON.parse(JSON.stringify(stack.validated[0])));
    expect(written(app, "probe").output.first.value).toBe("a");
  });

  test("as the app's only stack, skips the core's preparing pass on cdktf only (cdktn's records what its version checks read), and still gets the default backend", () => {
    const app = renderOnlyApp();
    new Probe(app, "probe");
    app.synth();
    expect(prepares.mock.calls.length).toBe({ cdktf: 0, cdktn: 1 }[CORE]);
    expect(Object.keys(written(app, "probe").terraform.backend)).toEqual(["local"]);
  });

  test("beside another stack, lets the preparing pass run: it finds references between stacks", () => {
    const app = renderOnlyApp();
    new Probe(app, "probe");
    new TerraformStack(app, "other");
    app.synth();
    expect(prepares.mock.calls.length).toBe(2);
  });

  test("any render after App.synth starts afresh: a change made since is in it", () => {
    const app = renderOnlyApp();
    const stack = new Probe(app, "probe");
    app.synth();
    new TerraformOutput(stack, "second", { value: "b" });
    expect(JSON.parse(Testing.synth(stack)).output.second).toEqual({ value: "b" });
    expect(Testing.synthHcl(stack)).toContain('output "second"');
  });

  test("a validation outside App.synth keeps nothing: the next render is fresh", () => {
    const app = renderOnlyApp();
    const stack = new Probe(app, "probe");
    stack.runAllValidations();
    expect(stack.validated).toHaveLength(1);
    new TerraformOutput(stack, "second", { value: "b" });
    expect(JSON.parse(Testing.synth(stack)).output.second).toEqual({ value: "b" });
  });
});
