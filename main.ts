import { synth } from "./lib/app/synth";
import { terminalSafe } from "./lib/private/visible-text";

process.exitCode = synth({ env: process.env, cwd: process.cwd(), stderr: terminalSafe(process.stderr) });
