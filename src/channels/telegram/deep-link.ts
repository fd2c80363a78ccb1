/** Telegram allows up to 64 characters of A–Z, a–z, 0–9, "_" and "-" in a start payload. */
const PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

/**
 * The link that opens the bot and sends `/start <payload>`, for announcements such as a new
 * survey. The core resolves the payload ("survey_12") once the resident has finished onboarding.
 *
 * @example
 * telegramDeepLink("mitreden_bot", "survey_12"); // "https://t.me/mitreden_bot?start=survey_12"
 */
export function telegramDeepLink(botUsername: string, payload: string): string {
  const username = botUsername.replace(/^@/, "");
  if (!USERNAME.test(username)) throw new Error(`"${botUsername}" is not a Telegram bot username`);
  if (!PAYLOAD.test(payload)) {
    throw new Error(`deep-link payload "${payload}" must be 1–64 characters of A-Z, a-z, 0-9, "_" or "-"`);
  }
  return `https://t.me/${username}?start=${payload}`;
}
