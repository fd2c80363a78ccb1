import type { BroadcastSummary, OutboxOverview } from "../../core/ports/subscriptions.js";
import type { PrismaAccess } from "../prisma-access.js";

interface SummaryRow {
  id: number;
  origin: string;
  title: string;
  createdAt: Date;
  sent: bigint | number;
  pending: bigint | number;
  failed: bigint | number;
}

/** Counts per broadcast, computed by the database (a broadcast may have 100,000 rows). */
export function createOutboxOverview(db: PrismaAccess): OutboxOverview {
  return {
    async recent(limit) {
      const rows = await db.client().$queryRaw<SummaryRow[]>`
        SELECT b.id, b.origin, b.title, b."createdAt",
          COUNT(d.id) FILTER (WHERE d.status = 'sent') AS sent,
          COUNT(d.id) FILTER (WHERE d.status IN ('pending', 'sending')) AS pending,
          COUNT(d.id) FILTER (WHERE d.status = 'failed') AS failed
        FROM (SELECT * FROM "Broadcast" ORDER BY id DESC LIMIT ${limit}) b
        LEFT JOIN "Delivery" d ON d."broadcastId" = b.id
        GROUP BY b.id, b.origin, b.title, b."createdAt"
        ORDER BY b.id DESC`;
      return rows.map(
        (r): BroadcastSummary => ({
          id: r.id,
          origin: r.origin,
          title: r.title,
          createdAt: r.createdAt,
          sent: Number(r.sent),
          pending: Number(r.pending),
          failed: Number(r.failed),
        }),
      );
    },
  };
}
