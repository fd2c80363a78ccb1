import type { Locale } from "./locale.js";

/**
 * A person taking part, as the core sees them. One resident may have several platform identities.
 *
 * @example
 * const anna: Resident = {
 *   id: 7, locale: "de", homeAreaId: 3, privacyAcceptedAt: new Date(), privacyVersion: "2026-12-01",
 *   privacyWithdrawnAt: null, onboardedAt: new Date(), blockedAt: null,
 * };
 */
export interface Resident {
  readonly id: number;
  readonly locale: Locale | null;
  readonly homeAreaId: number | null;
  readonly privacyAcceptedAt: Date | null;
  /** The privacy notice version last agreed to; null before agreeing, after withdrawing, and for consent given before versions existed. */
  readonly privacyVersion: string | null;
  /** When consent was withdrawn; null while it stands (or was never given). */
  readonly privacyWithdrawnAt: Date | null;
  readonly onboardedAt: Date | null;
  readonly blockedAt: Date | null;
}

/**
 * A village or member municipality. Areas form a tree: the Samtgemeinde is the parent of its villages.
 *
 * @example
 * const hammah: Area = { id: 6, slug: "hammah", name: "Hammah", parentId: 1 };
 */
export interface Area {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly parentId: number | null;
}
