import { setupJest } from "cdktf/lib/testing/adapters/jest";
import { intoErrorsOnly } from "../lib/private/stack-traces";

setupJest();

/**
 * cdktf records a stack trace for every token it creates, with `Error.captureStackTrace` into a
 * plain object, to explain a token that later fails to resolve; jest source-maps every trace it
 * formats, which made those records most of a synth's time in tests. As in the app
 * (lib/private/stack-traces.ts), a capture into anything but an Error records nothing here. Errors
 * keep jest's source-mapped stacks, so a failing test still points at its TypeScript line.
 */
Error.captureStackTrace = intoErrorsOnly(Error.captureStackTrace);
