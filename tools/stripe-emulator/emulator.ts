import type Stripe from 'stripe';
import type { Store } from './store';
import type { WebhookDispatcher } from './webhooks';

/** Everything a request handler needs: state, delivery, and where the emulator is reachable. */
export interface Emulator {
	store: Store;
	webhooks: WebhookDispatcher;
	publicUrl: string;
	/** The only API keys accepted; null accepts any test-mode key. */
	secretKeys: ReadonlySet<string> | null;
	/** Marks state as changed so it is saved to the state file. */
	changed(): void;
}

/** The API request that caused an event; null for actions on the hosted page or control endpoints. */
export type Origin = Stripe.Event.Request | null;

export const API_VERSION: Stripe.LatestApiVersion = '2026-10-28.endive';
