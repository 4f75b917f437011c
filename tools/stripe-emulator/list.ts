import type Stripe from 'stripe';
import { resourceMissing } from './errors';

export interface PageParams {
	limit?: number;
	starting_after?: string;
	ending_before?: string;
}

/** Pages through objects already in Stripe's order (newest first) with Stripe's cursors. */
export function listObjects<T extends { id: string }>(
	items: T[],
	page: PageParams,
	url: string,
	kind: string
): Stripe.ApiList<T> {
	const limit = page.limit ?? 10;
	let start = 0;
	let end = items.length;
	if (page.starting_after) start = indexOf(items, page.starting_after, kind, 'starting_after') + 1;
	if (page.ending_before) {
		end = indexOf(items, page.ending_before, kind, 'ending_before');
		start = Math.max(0, end - limit);
	}
	const data = items.slice(start, Math.min(end, start + limit));
	const hasMore = page.ending_before ? start > 0 : start + limit < end;
	return { object: 'list', data, has_more: hasMore, url };
}

function indexOf(items: { id: string }[], id: string, kind: string, param: string): number {
	const index = items.findIndex((item) => item.id === id);
	if (index === -1) throw resourceMissing(kind, id, param);
	return index;
}
