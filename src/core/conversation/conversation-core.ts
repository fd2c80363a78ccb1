import { conversationKey, type InboundEvent } from "../model/inbound-event.js";
import { DEFAULT_LOCALE, matchLocale, type Locale } from "../model/locale.js";
import { flattenChoices, type Choice, type OutboundMessage } from "../model/outbound-message.js";
import type { Resident } from "../model/resident.js";
import { keepReply, restoreReply } from "../model/kept-reply.js";
import { isRole, type RoleGrant } from "../model/role.js";
import type { ChannelCapabilities } from "../model/channel-capabilities.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type {
  ConversationState,
  ResidentStore,
  RoleStore,
  TurnStore,
  UnitOfWork,
} from "../ports/stores.js";
import type { TranslationValues, Translator } from "../ports/translator.js";
import type { CommandSpec, Feature } from "./feature.js";
import { htmlToPlain } from "../render/plain-text.js";
import { cleanInboundEvent } from "../text/clean-event.js";
import { isGroupChatter, parseInput, splitAction } from "./parse-input.js";
import type { Turn } from "./turn.js";

/** Decides whether a resident must finish onboarding first, and runs it. */
export interface OnboardingGate {
  readonly featureId: string;
  isComplete(resident: Resident): boolean;
  /**
   * True for a resident who agreed once but whose consent no longer stands (withdrawn, or a newer
   * notice not yet agreed to): outside the private chat their contributions are refused.
   */
  consentLapsed(resident: Resident): boolean;
  /** Starts or resumes onboarding; `deepLink` is opened once it is done. */
  resume(turn: Turn, deepLink: string | undefined): Promise<void>;
}

export interface ConversationCoreDeps {
  readonly features: readonly Feature[];
  readonly onboarding: OnboardingGate;
  readonly unitOfWork: UnitOfWork;
  readonly turns: TurnStore;
  readonly residents: ResidentStore;
  readonly roles: RoleStore;
  readonly translator: Translator;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * The outcome of one inbound event: the replies for the chat it came from. A duplicate has none,
 * unless it was marked redelivered and its first handling kept replies: then those come again.
 */
export interface HandleResult {
  readonly duplicate: boolean;
  readonly locale: Locale;
  readonly messages: readonly OutboundMessage[];
}

export interface ConversationCore {
  handle(event: InboundEvent, capabilities: ChannelCapabilities): Promise<HandleResult>;
  /** Every command, for /help and for registering command menus on the platforms. */
  commands(): readonly CommandSpec[];
  /**
   * The language to answer `senderId` in outside a turn (an apology after a failed one, a refused
   * button): the resident's chosen language, else the platform hint, else German. Read outside any
   * unit of work and bounded in time; when the database is what failed, the hint is used.
   */
  localeFor(senderId: string, hint: string | undefined): Promise<Locale>;
}

/** How long an error answer waits for the resident's language before falling back to the hint. */
const LOCALE_LOOKUP_MS = 2_000;

const EMPTY_STATE: ConversationState = { flow: null, step: null, data: {}, choices: [] };
const MAX_DISPATCH_DEPTH = 4;
/** `deeplink:<payload>` opens a deep link once onboarding is done. */
export const DEEP_LINK_ACTION = "deeplink";

/** A command for a role (admin, moderator, council, initiative manager), not for residents or chat admins. */
function isStaffCommand(command: CommandSpec | undefined): boolean {
  return command?.audience !== undefined && isRole(command.audience);
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** True when saving `next` would store what was loaded; unequal key order only costs a write. */
function sameState(loaded: ConversationState, next: ConversationState): boolean {
  return (
    loaded.flow === next.flow &&
    loaded.step === next.step &&
    sameStrings(loaded.choices, next.choices) &&
    JSON.stringify(loaded.recent ?? []) === JSON.stringify(next.recent ?? []) &&
    (loaded.data === next.data || JSON.stringify(loaded.data) === JSON.stringify(next.data))
  );
}

/**
 * The choices still on screen after a turn that offered none: a card whose choice a number just
 * picked is answered, so "1" then means the remaining card's first choice.
 */
function remainingChoices(state: ConversationState, answered: string | undefined): Pick<ConversationState, "choices" | "recent"> {
  const rest = (state.recent ?? []).filter((group) => !group.some((c) => c.action === answered));
  if (!state.recent || rest.length === state.recent.length) return { choices: state.choices, ...(state.recent ? { recent: state.recent } : {}) };
  if (rest.length === 0) return { choices: state.choices };
  return { choices: rest.at(-1)!.map((c) => c.action), ...(rest.length > 1 ? { recent: rest } : {}) };
}

/** Creates the platform-neutral conversation core that every channel feeds. */
export function createConversationCore(deps: ConversationCoreDeps): ConversationCore {
  const featuresById = new Map(deps.features.map((f) => [f.id, f]));
  const commandList = deps.features.flatMap((f) => f.commands ?? []);
  const commandsByName = new Map(commandList.map((c) => [c.name, c]));
  const deepLinks = new Map(deps.features.flatMap((f) => Object.entries(f.deepLinks ?? {})));
  // Staff work acts on others' data, so it needs no consent of the staff member: it runs before
  // their onboarding. A resident's own contributions stay behind the gate.
  const staffFeatures = new Set(
    deps.features.filter((f) => (f.commands?.length ?? 0) > 0 && (f.commands ?? []).every(isStaffCommand)).map((f) => f.id),
  );
  const staffVerbs = new Map(deps.features.map((f) => [f.id, new Set(f.staffVerbs ?? [])]));

  /** Whether `input` is staff work that a sender holding a role may do before onboarding. */
  async function staffWorkBeforeOnboarding(turn: Turn, input: ReturnType<typeof parseInput>): Promise<boolean> {
    let staffWork = false;
    if (input.kind === "command") staffWork = isStaffCommand(commandsByName.get(input.name));
    else if (input.kind === "action") {
      const { feature, verb } = splitAction(input.action);
      staffWork = staffFeatures.has(feature) || staffVerbs.get(feature)?.has(verb) === true;
    } else if (input.kind === "text") staffWork = turn.state.flow !== null && staffFeatures.has(turn.state.flow);
    return staffWork && (await turn.roles()).length > 0;
  }

  async function handle(raw: InboundEvent, capabilities: ChannelCapabilities): Promise<HandleResult> {
    // The last defence: whatever a channel passes on, no NUL or lone surrogate reaches storage.
    const event = cleanInboundEvent(raw);
    const log = deps.logger.child({ eventId: event.eventId, channel: event.channel, chat: event.chat.id });
    // Data minimisation: talk among people in a group is none of the bot's business, so it is not
    // even recorded (no account, no event record); only commands, numbers and buttons go on.
    if (event.chat.kind !== "private" && isGroupChatter(event.payload)) {
      return { duplicate: false, locale: matchLocale(event.localeHint) ?? DEFAULT_LOCALE, messages: [] };
    }
    return deps.unitOfWork.run(async () => {
      const key = conversationKey(event);
      const start = await deps.turns.start({
        eventId: event.eventId,
        identityId: event.senderId,
        channel: event.channel,
        displayName: event.senderName,
        // Only a chat the channel vouches for: a spoofed chat id must not redirect this sender's notifications.
        privateChatId: event.trustedPrivateChatId,
        key,
        wantsKeptReply: event.redelivered === true,
        seenAt: deps.clock.now(),
      });
      if (start.duplicate) {
        const kept = start.keptReply;
        if (!kept) {
          log.info({}, "duplicate event ignored");
          return { duplicate: true, locale: DEFAULT_LOCALE, messages: [] };
        }
        log.info({ replies: kept.messages.length }, "redelivered event: its kept replies are sent again");
        const placeholders = {
          image: (alt: string) => deps.translator.t(kept.locale, "common:image-placeholder", { alt }),
          file: (name: string) => deps.translator.t(kept.locale, "common:file-not-kept", { name }),
        };
        return { duplicate: true, locale: kept.locale, messages: restoreReply(kept, placeholders) };
      }
      const { state } = start;
      const session = createSession(event, capabilities, start.resident, state, log);
      await route(session, event);
      const next = session.nextState();
      // Many turns (menus offering the same choices, commands outside a flow) change no state: only
      // the replies are kept then. Either way it is one write on the path every event takes.
      const residentId = session.turn.resident.id;
      const changed = residentId !== start.conversationResidentId || !sameState(state, next);
      const locale = session.turn.locale;
      const reply = session.messages.length > 0 ? keepReply(locale, session.messages) : undefined;
      // An erased resident's turn leaves nothing behind: writing its state or replies would re-link them.
      if (!session.forgotten() && (changed || reply)) {
        await deps.turns.finish({
          eventId: event.eventId,
          ...(changed ? { conversation: { key, residentId, state: next } } : {}),
          ...(reply ? { reply } : {}),
        });
      }
      return { duplicate: false, locale, messages: session.messages };
    });
  }

  interface Session {
    readonly turn: Turn;
    readonly messages: OutboundMessage[];
    nextState(): ConversationState;
    forgotten(): boolean;
    /** The action a typed number picked among several messages: that message counts as answered. */
    answered(action: string): void;
  }

  function createSession(
    event: InboundEvent,
    capabilities: ChannelCapabilities,
    initialResident: Resident,
    state: ConversationState,
    log: Logger,
  ): Session {
    let resident = initialResident;
    let flow: Pick<ConversationState, "flow" | "step" | "data"> = state;
    /** Each reply's choices in this turn; the last is what a number picks, unless it is ambiguous. */
    const offered: Choice[][] = [];
    let answered: string | undefined;
    let depth = 0;
    let grants: readonly RoleGrant[] | undefined;
    let forgotten = false;
    const messages: OutboundMessage[] = [];
    const localeOf = (): Locale => resident.locale ?? matchLocale(event.localeHint) ?? DEFAULT_LOCALE;

    const turn: Turn = {
      event,
      capabilities,
      get resident() {
        return resident;
      },
      get locale() {
        return localeOf();
      },
      state,
      log,
      t: (key: string, values?: TranslationValues) => deps.translator.t(localeOf(), key, values),
      label: (key: string, values?: TranslationValues) => htmlToPlain(deps.translator.t(localeOf(), key, values)),
      reply(message: OutboundMessage) {
        messages.push(message);
        const choices = flattenChoices(message);
        if (choices.length > 0) offered.push(choices);
      },
      say(key: string, values?: TranslationValues, choices?: readonly (readonly Choice[])[]) {
        turn.reply({ html: turn.t(key, values), ...(choices ? { choices } : {}) });
      },
      enter(flowName: string, step: string, data: Readonly<Record<string, unknown>> = {}) {
        flow = { flow: flowName, step, data };
      },
      leave() {
        flow = { flow: null, step: null, data: {} };
      },
      setResident(next: Resident) {
        resident = next;
      },
      async roles() {
        if (!grants) grants = await deps.roles.grantsOf(await deps.residents.identitiesOf(resident.id));
        return grants;
      },
      async dispatch(action: string) {
        depth += 1;
        if (depth > MAX_DISPATCH_DEPTH) throw new Error(`dispatch loop at action ${action}`);
        await runAction(turn, action);
      },
      forgetResident() {
        forgotten = true;
      },
    };
    return {
      turn,
      messages,
      forgotten: () => forgotten,
      answered: (action) => void (answered = action),
      nextState: () => {
        // Only the flow's own fields: `flow` starts as the loaded state, which also holds its choices.
        const at = { flow: flow.flow, step: flow.step, data: flow.data };
        if (offered.length === 0) return { ...at, ...remainingChoices(state, answered) };
        return { ...at, choices: offered.at(-1)!.map((c) => c.action), ...(offered.length > 1 ? { recent: offered } : {}) };
      },
    };
  }

  async function route(session: Session, event: InboundEvent): Promise<void> {
    const { turn } = session;
    const input = parseInput(event.payload, turn.state);
    if (input.kind === "action" && input.picked) session.answered(input.action);
    const isPrivate = event.chat.kind === "private";

    if (isPrivate && !deps.onboarding.isComplete(turn.resident) && !(await staffWorkBeforeOnboarding(turn, input))) {
      if (input.kind === "action") {
        const feature = splitAction(input.action).feature;
        if (feature === deps.onboarding.featureId || featuresById.get(feature)?.actionsBeforeOnboarding) return runAction(turn, input.action);
      }
      if (input.kind === "command" && commandsByName.get(input.name)?.beforeOnboarding) {
        return runCommand(turn, input.name, input.args);
      }
      const deepLink = input.kind === "command" && input.name === "start" && input.args ? input.args : undefined;
      if (input.kind === "text" && turn.state.flow === deps.onboarding.featureId) {
        const onboarding = featuresById.get(deps.onboarding.featureId);
        if (onboarding?.handleText) return onboarding.handleText(turn, input.text);
      }
      if (input.kind === "bad-number") turn.say("common:bad-number", { count: input.count });
      if (input.kind === "ambiguous-number") return askWhichNumber(turn, input.number, input.candidates);
      return deps.onboarding.resume(turn, deepLink);
    }

    switch (input.kind) {
      case "action": {
        // In a group the gate above does not run; what would create a contribution still needs consent.
        const { feature, verb } = splitAction(input.action);
        if (!isPrivate && featuresById.get(feature)?.contributions?.includes(verb) && deps.onboarding.consentLapsed(turn.resident)) {
          turn.say("common:consent-needed-group");
          return;
        }
        return runAction(turn, input.action);
      }
      case "bad-number":
        turn.say("common:bad-number", { count: input.count });
        return;
      case "ambiguous-number":
        return askWhichNumber(turn, input.number, input.candidates);
      case "command":
        return runCommand(turn, input.name, input.args);
      case "text": {
        if (!isPrivate) return; // in groups the bot only reacts to commands and its own choices
        const feature = turn.state.flow ? featuresById.get(turn.state.flow) : undefined;
        if (feature?.handleText) return feature.handleText(turn, input.text);
        turn.say("common:not-understood");
        return turn.dispatch("menu:open");
      }
      case "photo": {
        if (!isPrivate) return;
        const feature = turn.state.flow ? featuresById.get(turn.state.flow) : undefined;
        if (feature?.handlePhoto) return feature.handlePhoto(turn, input.photo, input.caption);
        // Nothing asked for a photo: nothing is stored, and the resident learns where photos go.
        turn.say("common:photo-not-expected");
        return turn.dispatch("menu:open");
      }
    }
  }

  /**
   * Asks back which of the messages on screen a number meant, offering exactly those choices: the
   * answer is a fresh list, so its numbers are unambiguous again.
   */
  function askWhichNumber(turn: Turn, number: number, candidates: readonly Choice[]): void {
    const names = candidates.map((c) => turn.label("common:ambiguous-number-item", { label: c.label })).join(turn.label("common:ambiguous-number-or"));
    turn.say("common:ambiguous-number", { number, names }, candidates.map((c) => [c]));
  }

  async function runCommand(turn: Turn, name: string, args: string): Promise<void> {
    if (name === "start" && args && turn.event.chat.kind === "private") return openDeepLink(turn, args);
    const command = commandsByName.get(name);
    if (!command) {
      turn.say("common:unknown-command", { command: name });
      return;
    }
    const isPrivate = turn.event.chat.kind === "private";
    if (command.scope === "private" && !isPrivate) {
      turn.say("common:private-only");
      return;
    }
    if (command.scope === "group" && isPrivate) {
      turn.say("common:group-only");
      return;
    }
    await command.run(turn, args);
  }

  async function openDeepLink(turn: Turn, payload: string): Promise<void> {
    const match = /^([a-z]+)_([A-Za-z0-9-]+)$/.exec(payload);
    const open = match ? deepLinks.get(match[1]!) : undefined;
    if (!match || !open) {
      turn.say("common:stale-link");
      return turn.dispatch("menu:open");
    }
    await open(turn, match[2]!);
  }

  async function runAction(turn: Turn, action: string): Promise<void> {
    const { feature, verb, args } = splitAction(action);
    if (feature === DEEP_LINK_ACTION) return openDeepLink(turn, verb);
    const target = featuresById.get(feature);
    if (!target?.handleAction) {
      turn.say("common:stale-action");
      return;
    }
    await target.handleAction(turn, verb, args);
  }

  async function localeFor(senderId: string, hint: string | undefined): Promise<Locale> {
    const fallback = matchLocale(hint) ?? DEFAULT_LOCALE;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), LOCALE_LOOKUP_MS);
      timer.unref();
    });
    try {
      return (await Promise.race([deps.residents.localeOfIdentity(senderId), timeout])) ?? fallback;
    } catch (err) {
      deps.logger.warn({ err, sender: senderId }, "could not read the resident's language; answering in the hint's");
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }

  return { handle, commands: () => commandList, localeFor };
}
