// Test infrastructure only: what a command prints with console.log, captured per test of the
// enclosing describe (the array is emptied before each test, console.log restored after it).
export function capturedConsole(): string[] {
  const printed: string[] = [];
  const original = console.log;
  beforeEach(() => {
    printed.length = 0;
    console.log = (line: string) => printed.push(line);
  });
  afterEach(() => {
    console.log = original;
  });
  return printed;
}
