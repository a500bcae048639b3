import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compareOutdirs, compareStack } from "../scripts/cdktn-compare";

// As each core writes the same stack: cdktf 0.21 puts an empty object on two lines, cdktn 0.24 on one.
const CDKTF = '{\n  "//": {\n    "metadata": {\n      "stackName": "s",\n      "version": "0.21.0"\n    }\n  },\n  "provider": {\n    "random": [\n      {\n      }\n    ]\n  },\n  "resource": {\n    "random_id": {\n      "Suffix": {\n        "byte_length": 3\n      }\n    }\n  }\n}';
const CDKTN = CDKTF.replace('"0.21.0"', '"0.24.0"').replace(/\{\n\s*\}/g, "{}");

describe("cdktn-compare", () => {
  test("takes the two cores' files of one stack as the same JSON, apart from the version and empty-object whitespace", () => {
    expect(CDKTN).not.toBe(CDKTF);
    expect(compareStack("s", CDKTF, CDKTN)).toEqual({ stack: "s", versions: ["0.21.0", "0.24.0"] });
  });

  test("fails on a changed value, naming the line and both values", () => {
    const changed = CDKTN.replace('"byte_length": 3', '"byte_length": 4');
    expect(compareStack("s", CDKTF, changed).difference).toBe('line 15 of the normalized JSON: cdktf "byte_length": 3, cdktn "byte_length": 4');
  });

  test("fails on keys in another order, or a key only one side has", () => {
    const reordered = JSON.stringify({ resource: JSON.parse(CDKTN).resource, provider: JSON.parse(CDKTN).provider, "//": JSON.parse(CDKTN)["//"] });
    expect(compareStack("s", CDKTF, reordered).difference).toMatch(/^line 2 /);
    const extra = JSON.stringify({ ...JSON.parse(CDKTN), variable: {} }, null, 2);
    expect(compareStack("s", CDKTF, extra).difference).toBe("line 18 of the normalized JSON: cdktf }, cdktn },");
  });

  test("shows a value's control and bidi characters as escapes", () => {
    const hostile = CDKTN.replace('"stackName": "s"', '"stackName": "s\\u001b[2J\\u202e"');
    expect(compareStack("s", CDKTF, hostile).difference).toBe('line 4 of the normalized JSON: cdktf "stackName": "s", cdktn "stackName": "s\\u001b[2J\\u202e"');
  });

  test("compares every stack of two output directories, and fails when a stack is missing on one side or none exists", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-cdktn-compare-"));
    try {
      const write = (out: string, stack: string, text: string) => {
        fs.mkdirSync(path.join(root, out, "stacks", stack), { recursive: true });
        fs.writeFileSync(path.join(root, out, "stacks", stack, "cdk.tf.json"), text);
      };
      expect(compareOutdirs(path.join(root, "a"), path.join(root, "b"))).toEqual([
        { stack: "(none)", versions: [undefined, undefined], difference: "neither directory holds a synthesized stack" },
      ]);
      write("a", "one", CDKTF);
      write("b", "one", CDKTN);
      expect(compareOutdirs(path.join(root, "a"), path.join(root, "b"))).toEqual([{ stack: "one", versions: ["0.21.0", "0.24.0"] }]);
      write("a", "two", CDKTF);
      expect(compareOutdirs(path.join(root, "a"), path.join(root, "b"))[1]).toEqual({ stack: "two", versions: [undefined, undefined], difference: "only cdktf synthesized it" });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
