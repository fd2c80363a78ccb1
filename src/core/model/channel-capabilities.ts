/**
 * What a channel can show. The core renders the same messages everywhere; a channel without
 * buttons shows a numbered list instead, one without images shows the image's alt text.
 *
 * @example
 * const terminal: ChannelCapabilities = { buttons: false, images: false, html: false, edits: false };
 */
export interface ChannelCapabilities {
  readonly buttons: boolean;
  readonly images: boolean;
  readonly html: boolean;
  readonly edits: boolean;
}
