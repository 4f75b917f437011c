import { z } from 'zod';
import type { ApiRoute } from '../api';
import { listParams, text } from '../params';
import { listRoute, retrieveRoute } from './routes';

const eventFilters = z.strictObject({
	...listParams,
	type: text.optional(),
	types: z.array(z.string()).optional()
});

/** `type` accepts a `*` wildcard as Stripe's does (`charge.dispute.*`). */
function matchesType(pattern: string, type: string): boolean {
	return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

export const eventRoutes: ApiRoute[] = [
	retrieveRoute('/v1/events/:id', (store) => store.events),
	listRoute('/v1/events', 'event', eventFilters, (store, filters) =>
		store.events
			.newestFirst()
			.filter((event) => filters.type === undefined || matchesType(filters.type, event.type))
			.filter((event) => !filters.types || filters.types.includes(event.type))
	)
];
