// A progress line for long CLI work: rewritten in place on a terminal, one line per step otherwise
// (CI logs stay readable).
export class ProgressLine {
  private lastLength = 0;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = stream.isTTY;
  }

  update(text: string): void {
    if (this.tty) {
      const padded = text.padEnd(this.lastLength);
      this.stream.write(`\r${padded}`);
      this.lastLength = text.length;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  done(text?: string): void {
    if (this.tty && this.lastLength > 0) this.stream.write(`\r${' '.repeat(this.lastLength)}\r`);
    this.lastLength = 0;
    if (text !== undefined) this.stream.write(`${text}\n`);
  }
}

export function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
