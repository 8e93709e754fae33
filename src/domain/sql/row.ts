// The values a warehouse hands back, as the SQL decoders read them. Defined here rather than with
// the Warehouse port so the decoders stay free of ports; the port re-uses them.

/** A decoded cell: numbers (BIGINT/DECIMAL decoded to number), strings, booleans, or null. */
export type Cell = number | string | boolean | null;
export type Row = Record<string, Cell>;
