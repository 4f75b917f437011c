import { transferTypes, type TransferType } from '../types';
import type { TransferCode, TransferFilter } from './ledger';

const signupPrefix = 'signup:';

/** The reference of a user's sign-up bonus: what tells a welcome gift from any other grant. */
export function signupReference(userId: string) {
	return `${signupPrefix}${userId}`;
}

type TypeRule = {
	codes: TransferCode[];
	/** for a grant: whether it is the sign-up bonus; undefined when the code alone decides */
	signup?: boolean;
};

/** The one mapping from ledger codes to the customer's words; both directions are read from it. */
const typeRules: Record<TransferType, TypeRule> = {
	purchase: { codes: ['purchase'] },
	welcome_gift: { codes: ['grant'], signup: true },
	spend: { codes: ['spend'] },
	hold: { codes: ['hold'] },
	capture: { codes: ['capture'] },
	release: { codes: ['release'] },
	refund: { codes: ['refund'] },
	dispute: { codes: ['dispute'] },
	reinstated: { codes: ['reinstate'] },
	// A lot past its expiry, or a hold that lapsed: both are `expire`.
	expired: { codes: ['expire'] },
	// Credits an admin or the host app granted or deducted by hand.
	adjustment: { codes: ['grant', 'adjust'], signup: false }
};

export function transferTypeOf(transfer: {
	code: TransferCode;
	reference: string | null;
}): TransferType {
	const signup = transfer.reference?.startsWith(signupPrefix) ?? false;
	const type = transferTypes.find((candidate) => {
		const rule = typeRules[candidate];
		return rule.codes.includes(transfer.code) && (rule.signup ?? signup) === signup;
	});
	if (!type) throw new Error(`no transfer type for code ${transfer.code}`);
	return type;
}

/** The ledger filter that finds exactly the transfers `transferTypeOf` calls `type`. */
export function transferTypeFilter(
	type: TransferType
): Pick<TransferFilter, 'code' | 'referenceStartsWith' | 'referenceNotStartsWith'> {
	const { codes, signup } = typeRules[type];
	if (signup === undefined) return { code: codes };
	return signup
		? { code: codes, referenceStartsWith: signupPrefix }
		: { code: codes, referenceNotStartsWith: signupPrefix };
}
