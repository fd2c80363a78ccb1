import { createIdeasFeatures, DEFAULT_IDEAS_CONFIG, type IdeasConfig } from "../../../../src/core/features/ideas/index.js";
import type { Locale } from "../../../../src/core/model/locale.js";
import type { PublishReceipt, PublishRequest, Publisher } from "../../../../src/core/ports/publisher.js";
import { htmlToPlain } from "../../../../src/core/render/plain-text.js";
import { createIdeaStores, type IdeaStores } from "../../../../src/storage/create-idea-stores.js";
import { createCoreHarness, type CoreHarness, type CoreHarnessOptions, type Person } from "../../../support/core-harness.js";

/** A publisher that only records: what the outbox would have received, for assertions. */
export interface RecordingPublisher extends Publisher {
  readonly requests: PublishRequest[];
  /** Plain text of every publication addressed to this resident, rendered in `locale`. */
  toResident(residentId: number, locale: Locale): string[];
  /** Plain text of every publication to one chat. */
  toChat(chatId: string, locale?: Locale): string[];
  clear(): void;
}

export function createRecordingPublisher(): RecordingPublisher {
  const requests: PublishRequest[] = [];
  let next = 1;
  return {
    requests,
    async publish(request): Promise<PublishReceipt> {
      requests.push(request);
      const recipients = request.audience.kind === "residents" ? request.audience.residentIds.length : 1;
      return { broadcastId: next++, recipients };
    },
    toResident(residentId, locale) {
      return requests
        .filter((r) => r.audience.kind === "residents" && r.audience.residentIds.includes(residentId))
        .map((r) => htmlToPlain(r.content(locale).html));
    },
    toChat(chatId, locale = "de") {
      return requests
        .filter((r) => r.audience.kind === "chat" && r.audience.chatId === chatId)
        .map((r) => htmlToPlain(r.content(locale).html));
    },
    clear: () => void requests.splice(0),
  };
}

export interface IdeasFixture {
  readonly h: CoreHarness;
  readonly publisher: RecordingPublisher;
  readonly stores: IdeaStores;
  residentId(person: Person): Promise<number>;
  grant(person: Person, role: string, scope?: string): Promise<void>;
  /** Walks the submit flow; returns the new idea's id (sends anyway when similar ideas are shown). */
  submit(person: Person, title: string, description: string, options?: { category?: string; areaName?: string }): Promise<number>;
  dispose(): Promise<void>;
}

export async function createIdeasFixture(
  config: Partial<IdeasConfig> = {},
  harness: Pick<CoreHarnessOptions, "generateLinkCode"> = {},
): Promise<IdeasFixture> {
  const publisher = createRecordingPublisher();
  let stores: IdeaStores | undefined;
  const h = await createCoreHarness({
    ...harness,
    features: ({ access, stores: foundation, translator, clock }) => {
      stores = createIdeaStores(access);
      return createIdeasFeatures({
        ...stores,
        timeZone: "Europe/Berlin",
        areas: foundation.areas,
        residents: foundation.residents,
        publisher,
        translator,
        clock,
        config: { ...DEFAULT_IDEAS_CONFIG, ...config },
      });
    },
  });
  const identity = (p: Person) => `${p.channel}:${p.userId}`;
  const fixture: IdeasFixture = {
    h,
    publisher,
    stores: stores!,
    async residentId(person) {
      const row = await h.db.prisma.identity.findUniqueOrThrow({ where: { id: identity(person) } });
      return row.residentId;
    },
    async grant(person, role, scope = "*") {
      await h.db.prisma.roleAssignment.create({ data: { identity: identity(person), role, scope, grantedBy: "test" } });
    },
    async submit(person, title, description, { category = "community", areaName } = {}) {
      await h.send(person, "/idea");
      await h.send(person, title);
      const areaPrompt = await h.send(person, description);
      let areaChoice = areaPrompt.at(-1)!.choices[0]!;
      if (areaName) {
        const all = await h.press(person, "ideas:areas");
        areaChoice = all.at(-1)!.choices.find((c) => c.label === areaName)!;
      }
      await h.press(person, areaChoice.action);
      await h.press(person, `ideas:cat:${category}`);
      const confirm = await h.press(person, "ideas:nophoto");
      if (!confirm.at(-1)!.choices.some((c) => c.action === "ideas:send")) {
        throw new Error(`no send choice: ${confirm.map((r) => r.text).join(" | ")}`);
      }
      const sent = await h.press(person, "ideas:send");
      const match = /#(\d+)/.exec(sent[0]!.text);
      if (!match) throw new Error(`not submitted: ${sent.map((r) => r.text).join(" | ")}`);
      return Number(match[1]);
    },
    dispose: () => h.dispose(),
  };
  return fixture;
}
