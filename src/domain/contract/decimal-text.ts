// Numbers from text as the SQL reads them: plain decimal notation only (the SQL's pattern
// [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?, ASCII digits), parsed to a finite double. A scan rather than
// that regex: a backtracking engine takes quadratic time on a long run of digits that fails late.

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function digitsFrom(text: string, at: number): number {
  let end = at;
  while (end < text.length && isDigit(text.charCodeAt(end))) end += 1;
  return end;
}

/** Whether the whole text is a number in plain decimal notation. */
export function isDecimalText(text: string): boolean {
  let at = 0;
  const sign = text.charCodeAt(0);
  if (sign === 43 || sign === 45) at = 1;
  const intEnd = digitsFrom(text, at);
  let digits = intEnd - at;
  at = intEnd;
  if (text.charCodeAt(at) === 46) {
    const fractionEnd = digitsFrom(text, at + 1);
    digits += fractionEnd - at - 1;
    at = fractionEnd;
  }
  if (digits === 0) return false;
  const e = text.charCodeAt(at);
  if (e === 101 || e === 69) {
    at += 1;
    const expSign = text.charCodeAt(at);
    if (expSign === 43 || expSign === 45) at += 1;
    const expEnd = digitsFrom(text, at);
    if (expEnd === at) return false;
    at = expEnd;
  }
  return at === text.length;
}

/** A finite double from decimal text (Number() rounds as DuckDB's cast does), else null. */
export function finiteDecimal(text: string): number | null {
  if (!isDecimalText(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}
