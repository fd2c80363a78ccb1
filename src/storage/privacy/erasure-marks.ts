/**
 * What an erasure leaves where the person was, shared by the erasure (which writes the marks) and
 * the audit chain (which accepts an entry's blanked personal fields only where it finds them).
 *
 * @example
 * isErasureReference("E-3f9a0c1b2d4e"); // true
 */

/** Stands where an erased resident's identity or name was (audit log, status changes, council posts). */
export const ERASED_IDENTITY = "erased";
export const ERASED_NAME = "erased resident";

/** The AuditLog action and target type of an erasure. */
export const ERASURE_ACTION = "resident.erase";
export const ERASURE_TARGET = "resident";

/** The random reference an erasure records instead of the resident's id ("E-" and 12 hex digits). */
export function isErasureReference(value: string): boolean {
  return /^E-[0-9a-f]+$/.test(value);
}
