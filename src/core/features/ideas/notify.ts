import { DEEP_LINK_ACTION } from "../../conversation/conversation-core.js";
import type { Locale } from "../../model/locale.js";
import type { IdeasDeps } from "./ideas-deps.js";
import type { Idea, IdeaStatus } from "./idea-model.js";
import { storedPhoto } from "../photo-step.js";

/** Status changes authors and followers hear about, and the locale key of each message. */
const NOTICE_KEYS: Partial<Record<IdeaStatus, string>> = {
  approved: "ideas:notify-approved",
  rejected: "ideas:notify-rejected",
  hidden: "ideas:notify-hidden",
  prioritised: "ideas:notify-prioritised",
  workshop: "ideas:notify-workshop",
  decided_accepted: "ideas:notify-accepted",
  decided_declined: "ideas:notify-declined",
  implemented: "ideas:notify-implemented",
};

/** Author and followers, each once. */
export async function audienceOf(deps: IdeasDeps, idea: Idea): Promise<number[]> {
  const followers = await deps.ideas.followerIds(idea.id);
  return [...new Set([...(idea.authorId === null ? [] : [idea.authorId]), ...followers])];
}

/**
 * Tells the author and the followers of an idea, each in their own language, about a status
 * change. Rejected and hidden ideas were never (or are no longer) public: only the author hears.
 */
export async function notifyStatus(deps: IdeasDeps, idea: Idea, status: IdeaStatus, reason: string | null): Promise<void> {
  const key = NOTICE_KEYS[status];
  if (!key) return;
  const recipients =
    status === "rejected" || status === "hidden"
      ? idea.authorId === null
        ? []
        : [idea.authorId]
      : await audienceOf(deps, idea);
  if (recipients.length === 0) return;
  await deps.publisher.publish({
    audience: { kind: "residents", residentIds: recipients },
    origin: `idea:${idea.id}:${status}`,
    title: `Idea ${idea.id}: ${status}`,
    content: (locale: Locale) => ({
      html: deps.translator.t(locale, key, { id: idea.id, title: idea.title, reason: reason ?? "" }),
      choices: [[{ label: deps.translator.t(locale, "ideas:open-idea"), action: `ideas:show:${idea.id}` }]],
    }),
  });
}

/** Tells author and followers about a progress note of the council. */
export async function notifyProgress(deps: IdeasDeps, idea: Idea, note: string): Promise<void> {
  const recipients = await audienceOf(deps, idea);
  if (recipients.length === 0) return;
  await deps.publisher.publish({
    audience: { kind: "residents", residentIds: recipients },
    origin: `idea:${idea.id}:progress`,
    title: `Idea ${idea.id}: progress`,
    content: (locale: Locale) => ({
      html: deps.translator.t(locale, "ideas:notify-progress", { id: idea.id, title: idea.title, reason: note }),
    }),
  });
}

/**
 * Announces a newly approved idea to the chats subscribed to the "ideas" feed for its area. Groups
 * cannot support or follow (that is per resident), so the choice opens the idea in the private
 * chat ("deeplink:idea_42"), and the text names the command for channels without link buttons.
 */
export async function announceApproved(deps: IdeasDeps, idea: Idea): Promise<void> {
  const link = `idea_${idea.id}`;
  const area = idea.areaId === null ? undefined : await deps.areas.get(idea.areaId);
  const photo = await storedPhoto(deps.photos, idea.photoId);
  await deps.publisher.publish({
    audience: { kind: "feed", feed: "ideas", areaId: idea.areaId },
    origin: `idea:${idea.id}:published`,
    title: `Idea ${idea.id}: ${idea.title}`,
    content: (locale: Locale) => ({
      html: deps.translator.t(locale, "ideas:feed-new-idea", {
        id: idea.id,
        title: idea.title,
        description: idea.description,
        area: area?.name ?? deps.translator.t(locale, "ideas:no-area"),
        command: `/start ${link}`,
      }),
      choices: [[{ label: deps.translator.t(locale, "ideas:open-idea"), action: `${DEEP_LINK_ACTION}:${link}` }]],
      ...(photo ? { image: { bytes: photo.bytes, alt: deps.translator.t(locale, "ideas:photo-alt", { title: idea.title }) } } : {}),
    }),
  });
}
