/** An expected failure of an admin command, carrying the i18n key of its explanation. */
export class AdminError extends Error {
  constructor(
    readonly key: string,
    readonly values: Readonly<Record<string, string | number>> = {},
  ) {
    super(key);
    this.name = "AdminError";
  }
}
