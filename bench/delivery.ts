/** Benchmark 3: one publish to many Telegram chats through the outbox dispatcher. */
export interface DeliveryOptions {
  readonly recipients: number;
  readonly limitedRecipients: number;
  readonly postgresUrl: string;
}

export interface DeliveryUnlimited {
  readonly recipients: number;
  readonly createSubscriptionsMs: number;
  readonly publishMs: number;
  readonly sendMs: number;
  readonly messagesPerSecond: number;
  readonly peakRssMb: number;
  readonly delivered: number;
  readonly tooManyRequests: number;
}

export interface DeliveryLimited {
  readonly recipients: number;
  readonly configuredPerSecond: number;
  readonly achievedPerSecond: number;
  /** achieved / configured (target 0.95–1.0). */
  readonly share: number;
  readonly sendMs: number;
  readonly delivered: number;
  readonly tooManyRequests: number;
}

export type DeliveryResult =
  | { readonly status: "measured"; readonly database: "pglite"; readonly unlimited: DeliveryUnlimited; readonly limited: DeliveryLimited }
  | { readonly status: "not-measured"; readonly reason: string };

export async function runDelivery(options: DeliveryOptions): Promise<DeliveryResult> {
  void options;
  return { status: "not-measured", reason: "delivery not merged" };
}
