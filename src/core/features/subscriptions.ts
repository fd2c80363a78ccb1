import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import type { Area } from "../model/resident.js";
import type { ChatAdminVerifier } from "../ports/chat-admin-verifier.js";
import { FEEDS, type FeedKind } from "../ports/publisher.js";
import type { AreaStore } from "../ports/stores.js";
import type { ChatSubscription, InitiativeLookup, InitiativeRef, SubscriptionStore } from "../ports/subscriptions.js";
import { actorOf } from "./ideas/access.js";
import type { AuditStore } from "./ideas/idea-ports.js";

export interface SubscriptionsDeps {
  readonly subscriptions: SubscriptionStore;
  readonly areas: AreaStore;
  /** Absent until initiatives exist; then `/subscribe news SLUG` follows one initiative. */
  readonly initiatives?: InitiativeLookup;
  /**
   * Lets an admin of a Telegram channel subscribe it from the private chat with the bot
   * (`/subscribe_channel @channel FEED [AREA]`); without it those commands are not offered.
   */
  readonly chatAdmins?: ChatAdminVerifier;
  /** Where subscribing and unsubscribing a chat is recorded (target: the chat). */
  readonly audit: Pick<AuditStore, "record">;
}

/** The chat a subscription is for: the one the command came from, or a channel named in private. */
interface Target {
  readonly chatId: string;
  /** Shown in the replies when the target is not the chat the admin is writing in. */
  readonly title?: string;
}

const isFeed = (value: string | undefined): value is FeedKind =>
  value !== undefined && (FEEDS as readonly string[]).includes(value);

/** Area by slug or name, ignoring case ("hammah", "Hammah", "Großenwörden"). */
function findArea(areas: readonly Area[], term: string): Area | undefined {
  const wanted = term.trim().toLocaleLowerCase("de");
  return areas.find((a) => a.slug.toLocaleLowerCase("de") === wanted || a.name.toLocaleLowerCase("de") === wanted);
}

/**
 * Feed subscriptions of groups, rooms and channels: `/subscribe FEED [AREA]`,
 * `/subscribe news INITIATIVE`, `/unsubscribe FEED`, `/subscriptions`. Changing them is for the
 * chat's admins only; the channel tells the core who that is (`event.senderIsChatAdmin`).
 */
export function createSubscriptionsFeature(deps: SubscriptionsDeps): Feature {
  const prefix = (turn: Turn) => turn.capabilities.commandPrefix;
  const feedName = (turn: Turn, feed: FeedKind) => turn.t(`subscriptions:feed-${feed}`);
  const feedList = (turn: Turn) => FEEDS.map((f) => `<code>${f}</code> – ${feedName(turn, f)}`).join("\n");

  function requireAdmin(turn: Turn): boolean {
    if (turn.event.senderIsChatAdmin === true) return true;
    turn.say("subscriptions:admins-only");
    return false;
  }

  async function scopeLabel(turn: Turn, sub: ChatSubscription, areas: readonly Area[]): Promise<string> {
    if (sub.initiativeId !== null) {
      const initiative = await deps.initiatives?.byId(sub.initiativeId);
      return turn.t("subscriptions:scope-initiative", { name: initiative?.name ?? `#${sub.initiativeId}` });
    }
    if (sub.areaId !== null) {
      const area = areas.find((a) => a.id === sub.areaId);
      return turn.t("subscriptions:scope-area", { name: area?.name ?? `#${sub.areaId}` });
    }
    return turn.t("subscriptions:scope-all");
  }

  async function subscribe(turn: Turn, args: string): Promise<void> {
    if (!requireAdmin(turn)) return;
    const [feed, ...rest] = args.trim().split(/\s+/).filter(Boolean);
    if (!isFeed(feed)) {
      turn.say("subscriptions:usage-subscribe", { prefix: prefix(turn) });
      turn.reply({ html: feedList(turn) });
      return;
    }
    await subscribeTarget(turn, { chatId: turn.event.chat.id }, feed, rest);
  }

  /**
   * Asks the channel whether the sender administers the named chat and the bot may post there;
   * says why not and returns undefined otherwise.
   */
  async function verifiedTarget(turn: Turn, chatRef: string): Promise<Target | undefined> {
    const verdict = deps.chatAdmins ? await deps.chatAdmins.isAdmin(turn.event.channel, chatRef, turn.event.senderId) : "unsupported";
    if (typeof verdict === "string") {
      turn.say(`subscriptions:channel-${verdict}`, { chat: chatRef });
      return undefined;
    }
    return { chatId: verdict.chatId, title: verdict.title ?? chatRef };
  }

  /** `/subscribe_channel @channel FEED [AREA]` in the private chat. */
  async function subscribeChannel(turn: Turn, args: string): Promise<void> {
    const [chatRef, feed, ...rest] = args.trim().split(/\s+/).filter(Boolean);
    if (!chatRef || !isFeed(feed)) {
      turn.say("subscriptions:usage-subscribe-channel");
      turn.reply({ html: feedList(turn) });
      return;
    }
    const target = await verifiedTarget(turn, chatRef);
    if (target) await subscribeTarget(turn, target, feed, rest);
  }

  /** `/unsubscribe_channel @channel FEED` in the private chat. */
  async function unsubscribeChannel(turn: Turn, args: string): Promise<void> {
    const [chatRef, feed] = args.trim().split(/\s+/).filter(Boolean);
    if (!chatRef || !isFeed(feed)) {
      turn.say("subscriptions:usage-unsubscribe-channel");
      turn.reply({ html: feedList(turn) });
      return;
    }
    const target = await verifiedTarget(turn, chatRef);
    if (!target) return;
    const ended = await deps.subscriptions.unsubscribe(turn.event.channel, target.chatId, feed);
    if (ended > 0) await deps.audit.record(actorOf(turn), "subscription.remove", "chat", `${turn.event.channel}:${target.chatId}`, feed);
    turn.say(ended > 0 ? "subscriptions:channel-unsubscribed" : "subscriptions:channel-not-subscribed", {
      feed: feedName(turn, feed),
      chat: target.title ?? target.chatId,
    });
  }

  async function subscribeTarget(turn: Turn, target: Target, feed: FeedKind, rest: readonly string[]): Promise<void> {
    const term = rest.join(" ");
    let area: Area | undefined;
    let initiative: InitiativeRef | undefined;
    if (term) {
      const areas = await deps.areas.list();
      area = findArea(areas, term);
      if (!area && feed === "news") initiative = await deps.initiatives?.bySlug(term.toLowerCase());
      if (!area && !initiative) {
        turn.say(feed === "news" ? "subscriptions:unknown-area-or-initiative" : "subscriptions:unknown-area", {
          term,
          areas: areas.map((a) => a.slug).join(", "),
        });
        return;
      }
    }
    const result = await deps.subscriptions.subscribe({
      channel: turn.event.channel,
      chatId: target.chatId,
      feed,
      areaId: area?.id ?? null,
      initiativeId: initiative?.id ?? null,
      locale: turn.locale,
      createdBy: turn.event.senderId,
    });
    if (result === "created") {
      const where = initiative ? ` initiative ${initiative.id}` : area ? ` area ${area.id}` : "";
      await deps.audit.record(actorOf(turn), "subscription.add", "chat", `${turn.event.channel}:${target.chatId}`, `${feed}${where}`);
    }
    const scope = initiative
      ? turn.t("subscriptions:scope-initiative", { name: initiative.name })
      : area
        ? turn.t("subscriptions:scope-area", { name: area.name })
        : turn.t("subscriptions:scope-all");
    const values = { feed: feedName(turn, feed), scope, chat: target.title ?? target.chatId };
    if (target.title !== undefined) {
      turn.say(result === "created" ? "subscriptions:channel-subscribed" : "subscriptions:channel-already", values);
    } else {
      turn.say(result === "created" ? "subscriptions:subscribed" : "subscriptions:already", values);
    }
  }

  async function unsubscribe(turn: Turn, args: string): Promise<void> {
    if (!requireAdmin(turn)) return;
    const feed = args.trim().split(/\s+/)[0];
    if (!isFeed(feed)) {
      turn.say("subscriptions:usage-unsubscribe", { prefix: prefix(turn) });
      turn.reply({ html: feedList(turn) });
      return;
    }
    const ended = await deps.subscriptions.unsubscribe(turn.event.channel, turn.event.chat.id, feed);
    if (ended > 0) await deps.audit.record(actorOf(turn), "subscription.remove", "chat", `${turn.event.channel}:${turn.event.chat.id}`, feed);
    turn.say(ended > 0 ? "subscriptions:unsubscribed" : "subscriptions:not-subscribed", { feed: feedName(turn, feed) });
  }

  async function list(turn: Turn): Promise<void> {
    const subs = await deps.subscriptions.listForChat(turn.event.channel, turn.event.chat.id);
    if (subs.length === 0) {
      turn.say("subscriptions:none", { prefix: prefix(turn) });
      return;
    }
    const areas = await deps.areas.list();
    const lines = await Promise.all(
      subs.map(async (s) => `• ${feedName(turn, s.feed)} – ${await scopeLabel(turn, s, areas)}`),
    );
    turn.reply({ html: `${turn.t("subscriptions:list-title")}\n${lines.join("\n")}` });
  }

  return {
    id: "subscriptions",
    commands: [
      { name: "subscribe", scope: "group", audience: "chat-admin", descriptionKey: "subscriptions:command-subscribe", run: subscribe },
      { name: "unsubscribe", scope: "group", audience: "chat-admin", descriptionKey: "subscriptions:command-unsubscribe", run: unsubscribe },
      ...(deps.chatAdmins
        ? [
            { name: "subscribe_channel", scope: "private", descriptionKey: "subscriptions:command-subscribe-channel", run: subscribeChannel },
            { name: "unsubscribe_channel", scope: "private", descriptionKey: "subscriptions:command-unsubscribe-channel", run: unsubscribeChannel },
          ] as const
        : []),
      { name: "subscriptions", scope: "group", audience: "chat-admin", descriptionKey: "subscriptions:command-list", run: (turn) => list(turn) },
    ],
  };
}
