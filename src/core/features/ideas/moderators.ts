import { areaLineage } from "../../model/area-tree.js";
import type { Locale } from "../../model/locale.js";
import type { BroadcastMessage } from "../../ports/publisher.js";
import type { StoredPhoto } from "../../ports/photo-store.js";
import { grantsAllow } from "../../model/role.js";
import type { IdeasDeps } from "./ideas-deps.js";
import type { Idea } from "./idea-model.js";

/**
 * Sends something to the moderators of an area: to the moderation chat when an admin set one
 * (/modchat), otherwise to the private chats of every moderator (and admin) responsible for it.
 */
/** What reaching the moderators needs; news moderation passes its own deps. */
export type ModeratorReach = Pick<IdeasDeps, "moderation" | "areas" | "publisher">;

export async function toModerators(
  deps: ModeratorReach,
  areaId: number | null,
  origin: string,
  content: (locale: Locale) => BroadcastMessage,
): Promise<void> {
  const chat = await deps.moderation.moderationChat();
  if (chat) {
    await deps.publisher.publish({
      audience: { kind: "chat", channel: chat.channel, chatId: chat.chatId },
      origin,
      title: origin,
      content,
    });
    return;
  }
  const lineage = areaLineage(await deps.areas.list(), areaId);
  const staff = await deps.moderation.staff(["moderator", "admin"]);
  const residentIds = [...new Set(staff.filter((s) => grantsAllow([s.grant], "moderator", lineage)).map((s) => s.residentId))];
  if (residentIds.length === 0) return;
  await deps.publisher.publish({ audience: { kind: "residents", residentIds }, origin, title: origin, content });
}

/**
 * The card moderators see for a pending idea, with Approve / Reject choices, and its photo: a
 * photo becomes public with the idea, so moderators must see it before they approve.
 */
export function moderationCard(
  deps: Pick<IdeasDeps, "translator">,
  idea: Idea,
  place: string | null,
  locale: Locale,
  photo?: StoredPhoto,
): BroadcastMessage {
  const t = (key: string, values?: Record<string, string | number>) => deps.translator.t(locale, key, values);
  return {
    ...(photo ? { image: { bytes: photo.bytes, alt: t("ideas:photo-alt", { title: idea.title }) } } : {}),
    html: t("ideas:mod-card", {
      id: idea.id,
      title: idea.title,
      description: idea.description,
      area: place ?? t("ideas:no-area"),
      category: t(`ideas:category-${idea.category}`),
      author: idea.authorId ?? "–",
    }),
    choices: [
      [
        { label: t("ideas:mod-approve-id", { id: idea.id }), action: `mod:ok:${idea.id}` },
        { label: t("ideas:mod-reject-id", { id: idea.id }), action: `mod:no:${idea.id}` },
      ],
    ],
  };
}

export async function areaName(deps: IdeasDeps, areaId: number | null, locale: Locale): Promise<string> {
  const area = areaId === null ? undefined : await deps.areas.get(areaId);
  return area?.name ?? deps.translator.t(locale, "ideas:no-area");
}
