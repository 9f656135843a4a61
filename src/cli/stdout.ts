/**
 * A writer for the CLI's output that goes quiet once its reader has gone (`lifecycle runs list | head -1`):
 * EPIPE then means nobody wants the rest, not that the command failed, so the command still finishes (its
 * store closed, its exit code its own) and nothing is printed about it. Any other write error is real.
 */
export function quietOnClosedPipe(stream: NodeJS.WritableStream): (text: string) => void {
  let gone = false;
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || (gone && err.code === "ERR_STREAM_DESTROYED")) {
      gone = true;
      return;
    }
    throw err;
  });
  return (text) => {
    if (!gone) stream.write(`${text}\n`);
  };
}
