/** Client-safe shapes of the customer's credits pages. */
import type { BalanceView } from './users';

/** The balance card: the ledger's figures and when the first credits counted in `expiringSoon` expire. */
export type CreditsOverview = BalanceView & { firstExpiryAt: Date | null };
