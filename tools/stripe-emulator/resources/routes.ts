import { z } from 'zod';
import type { ApiRoute } from '../api';
import { expandList, expandObject } from '../expand';
import { listObjects, type PageParams } from '../list';
import { expand, parseParams } from '../params';
import { route } from '../router';
import type { Collection, Store } from '../store';

const retrieveParams = z.strictObject({ expand });

/** `GET /v1/things/:id` with `expand[]`. */
export function retrieveRoute<T extends { id: string }>(
	pattern: string,
	pick: (store: Store) => Collection<T>
): ApiRoute {
	return route('GET', pattern, ({ emulator: { store }, params, input }) => {
		const { expand } = parseParams(retrieveParams, input);
		return expandObject(store, pick(store).require(params.id), expand);
	});
}

/** `GET /v1/things` with filters, Stripe's cursors and `expand[]=data.…`. */
export function listRoute<
	S extends z.ZodType<PageParams & { expand?: string[] }>,
	T extends { id: string }
>(
	path: string,
	kind: string,
	schema: S,
	select: (store: Store, filters: z.output<S>) => T[]
): ApiRoute {
	return route('GET', path, ({ emulator: { store }, input }) => {
		const filters = parseParams(schema, input);
		return expandList(
			store,
			listObjects(select(store, filters), filters, path, kind),
			filters.expand
		);
	});
}
