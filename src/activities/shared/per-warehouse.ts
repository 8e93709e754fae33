// State an activity keeps on the worker per warehouse instance (what it staged, what it computed),
// made on first use and gone with the warehouse.
import type { Warehouse } from '../../ports/warehouse.js';

export function perWarehouse<T>(make: () => T): (warehouse: Warehouse) => T {
  const values = new WeakMap<Warehouse, T>();
  return (warehouse) => {
    const found = values.get(warehouse);
    if (found !== undefined) return found;
    const made = make();
    values.set(warehouse, made);
    return made;
  };
}
