/**
 * @module The unit registry (`spec/units.json`, `spec/oct.md` §4).
 */
import { UNIT_REGISTRY } from "../../generated/units.ts";

const KNOWN = new Set(UNIT_REGISTRY.units.map((unit) => unit.id));

/** Whether `id` is a registered unit. */
export function isKnownUnit(id: string): boolean {
  return KNOWN.has(id);
}

/** Every registered unit id, in registry order. */
export function unitIds(): string[] {
  return UNIT_REGISTRY.units.map((unit) => unit.id);
}
