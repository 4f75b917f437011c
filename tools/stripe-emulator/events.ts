import type Stripe from 'stripe';
import { API_VERSION, type Emulator, type Origin } from './emulator';
import { createId, nowSeconds } from './ids';

type EventType = Stripe.Event['type'];
type EventObject<T extends EventType> = Extract<Stripe.Event, { type: T }>['data']['object'];

/**
 * Records an event whose `data.object` is a snapshot of `object` now (and, for `*.updated`, the
 * fields' earlier values), and queues its delivery.
 */
export function emitEvent<T extends EventType>(
	emulator: Emulator,
	origin: Origin,
	type: T,
	object: EventObject<T>,
	previousAttributes?: Record<string, unknown>
): Stripe.Event {
	// The union member for `T` cannot be narrowed from a generic; the signature above checks callers.
	const event = {
		id: createId('evt'),
		object: 'event',
		api_version: API_VERSION,
		created: nowSeconds(),
		data: {
			object: structuredClone(object),
			...(previousAttributes && { previous_attributes: previousAttributes })
		},
		livemode: false,
		pending_webhooks: emulator.webhooks.status.url ? 1 : 0,
		request: origin ?? { id: null, idempotency_key: null },
		type
	} as Stripe.Event;
	emulator.store.events.insert(event);
	emulator.webhooks.enqueue(event);
	emulator.changed();
	return event;
}
