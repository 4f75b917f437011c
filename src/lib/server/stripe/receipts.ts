import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { purchases } from '../db/schema';
import type { ChargeFields } from './objects';

/** The charge's receipt page, only as an http(s) URL: it becomes a link in the purchase history. */
export function receiptUrlOf(charge: Pick<ChargeFields, 'receipt_url'>): string | null {
	const value = charge.receipt_url;
	if (!value || !URL.canParse(value)) return null;
	const url = new URL(value);
	return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
}

/** Keeps the charge's receipt URL on the purchase; false when the charge has none worth linking. */
export async function keepReceipt(
	db: Db,
	purchaseId: string,
	charge: Pick<ChargeFields, 'receipt_url'>
): Promise<boolean> {
	const receiptUrl = receiptUrlOf(charge);
	if (!receiptUrl) return false;
	await db.update(purchases).set({ receiptUrl }).where(eq(purchases.id, purchaseId));
	return true;
}
