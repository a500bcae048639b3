/**
 * A command piped into `head` finds stdout closed early; that is the reader's choice, not an
 * error, so the command ends quietly instead of crashing with EPIPE. Other write errors still throw.
 */
export function ignoreClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}
