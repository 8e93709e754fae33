// The text a production-log column holds for one value of a JSON record, as DuckDB loads the record
// (read_json into a VARCHAR column) after it was written with JSON.stringify: the SQL quarantine
// reads this text, so the record validator must see the same characters.

/**
 * DuckDB's CAST(DOUBLE AS VARCHAR): the shortest digits that round-trip, in fixed notation (with
 * ".0" when integral) for exponents -4..15, else "1.5e-07" / "1e+21"; "nan", "inf", "-inf".
 */
export function duckdbDoubleText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  const exponential = value.toExponential();
  const at = exponential.indexOf('e');
  const exponent = Number(exponential.slice(at + 1));
  if (exponent >= -4 && exponent < 16) {
    const fixed = Object.is(value, -0) ? '-0' : String(value);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${exponential.slice(0, at)}e${exponent < 0 ? '-' : '+'}${digits}`;
}

/**
 * The text of a JSON number: an integer token (what JSON.stringify writes for an integral value
 * below 1e21) is kept as written; any other number is parsed to a DOUBLE and printed by DuckDB.
 */
export function numberText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : duckdbDoubleText(value);
}

/**
 * A nested object or array as DuckDB prints it: JSON.stringify's text, except that its \u escapes
 * use upper-case hex and exponents carry no "+" ("1e21", not "1e+21").
 */
export function nestedJsonText(value: object): string {
  const json = JSON.stringify(value);
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const ch = json[i];
    if (inString) {
      if (ch === '\\') {
        const next = json[i + 1];
        if (next === 'u') {
          out += `\\u${json.slice(i + 2, i + 6).toUpperCase()}`;
          i += 5;
        } else {
          out += `\\${next ?? ''}`;
          i += 1;
        }
        continue;
      }
      if (ch === '"') inString = false;
      out += ch;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === '+' && (json[i - 1] === 'e' || json[i - 1] === 'E')) continue;
    out += ch;
  }
  return out;
}

/** The column's text for a record value; null for null or an absent field. */
export function columnText(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return numberText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? null : nestedJsonText(value);
    default:
      // undefined, and what JSON cannot carry (functions, symbols), as an absent field.
      return null;
  }
}

/** DuckDB's trim(): spaces only (tabs and newlines stay), NULL when nothing is left. */
export function trimmedText(text: string | null): string | null {
  if (text === null) return null;
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 32) start += 1;
  while (end > start && text.charCodeAt(end - 1) === 32) end -= 1;
  if (start === end) return null;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** DuckDB's substr(text, 1, n): the first n code points (not UTF-16 units). */
export function firstCodePoints(text: string, n: number): string {
  if (text.length <= n) return text;
  let units = 0;
  for (let points = 0; points < n && units < text.length; points += 1) {
    units += isSurrogatePair(text, units) ? 2 : 1;
  }
  return text.slice(0, units);
}

function isSurrogatePair(text: string, at: number): boolean {
  const high = text.charCodeAt(at);
  const low = text.charCodeAt(at + 1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}
