// Progress on stderr for long runs: one rewritten line on a terminal, a line every few
// seconds otherwise (CI logs), nothing when quiet.
export class Progress {
  private last = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly quiet = false) {}

  update(text: string): void {
    if (this.quiet) return;
    const now = Date.now();
    if (now - this.last < (this.tty ? 100 : 5000)) return;
    this.last = now;
    process.stderr.write(this.tty ? `\r\x1b[K${text}` : `${text}\n`);
  }

  done(text: string): void {
    if (this.quiet) return;
    process.stderr.write(this.tty ? `\r\x1b[K${text}\n` : `${text}\n`);
    this.last = 0;
  }
}
