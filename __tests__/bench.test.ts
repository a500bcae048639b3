import { TARGETS, targetVerdicts } from "../lib/commands/bench";

const result = (name: string, medianSeconds: number, timesFloor: number) => ({ name, medianSeconds, timesFloor });

describe("npm run bench's targets", () => {
  test("are issue 17's: the default synthesis within 5x the floor, 1000 workloads within 1.5 s", () => {
    expect(TARGETS).toEqual([
      { name: "synth, default configuration", limit: { timesFloor: 5 } },
      { name: "synth, 1000 workloads", limit: { seconds: 1.5 } },
    ]);
  });

  test("each is met at its limit and not above it, read from its own case", () => {
    const at = [result("floor", 0.1, 1), result("synth, default configuration", 0.5, 5), result("synth, 1000 workloads", 1.5, 15)];
    expect(targetVerdicts(at)).toEqual([
      { name: "synth, default configuration", limit: "5.0x floor", measured: "5.0x", met: true },
      { name: "synth, 1000 workloads", limit: "1.500 s", measured: "1.500 s", met: true },
    ]);
    const above = [result("synth, default configuration", 0.2, 5.01), result("synth, 1000 workloads", 1.501, 3)];
    expect(targetVerdicts(above).map((v) => v.met)).toEqual([false, false]);
  });

  test("a target whose case did not run is left out", () => {
    expect(targetVerdicts([result("synth, default configuration", 0.3, 3)])).toEqual([
      { name: "synth, default configuration", limit: "5.0x floor", measured: "3.0x", met: true },
    ]);
  });
});
