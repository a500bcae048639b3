import { synth } from "./lib/app/synth";

process.exitCode = synth({ env: process.env, cwd: process.cwd(), stderr: process.stderr });
