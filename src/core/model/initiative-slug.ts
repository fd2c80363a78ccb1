/**
 * The short name an initiative is addressed by in commands (`/subscribe news ffw-hammah`):
 * lower-case letters, digits and hyphens, at most 40 characters, so it also fits into button data.
 *
 * @example
 * isInitiativeSlug("ffw-hammah"); // true
 * isInitiativeSlug("FFW Hammah"); // false
 */
export function isInitiativeSlug(value: string): boolean {
  return /^[a-z0-9][a-z0-9-]{0,39}$/.test(value);
}

/** Whether a link is one residents can safely open (http or https with a host). */
export function isWebLink(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** PNG files start with these eight bytes. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether bytes look like a PNG image (the signature is checked, not the whole file). */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}
