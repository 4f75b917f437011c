import type { SystemAccountKind, TransferCode } from './schema';

/** What a transfer of one code does; verify keeps its own copy of this table, to check against. */
export type TransferRule = {
	/** The system account on the other side. */
	system: SystemAccountKind;
	/** `credit`: credits move into the user account; `debit`: out of it. */
	userSide: 'credit' | 'debit';
	/** On the pending counters: none (posts only), reserve (a hold), post (a capture: posts, un-reserves), void. */
	pending: 'none' | 'reserve' | 'post' | 'void';
	/** On lots: opens one, draws exactly its amount, draws what lots have up to it (the rest is debt), or none. */
	lots: 'open' | 'draw' | 'drawUpTo' | 'none';
};

export const transferRules = {
	purchase: { system: 'issued_purchase', userSide: 'credit', pending: 'none', lots: 'open' },
	grant: { system: 'issued_grant', userSide: 'credit', pending: 'none', lots: 'open' },
	reinstate: { system: 'clawed_back', userSide: 'credit', pending: 'none', lots: 'open' },
	spend: { system: 'spent', userSide: 'debit', pending: 'none', lots: 'draw' },
	hold: { system: 'spent', userSide: 'debit', pending: 'reserve', lots: 'draw' },
	capture: { system: 'spent', userSide: 'debit', pending: 'post', lots: 'draw' },
	release: { system: 'spent', userSide: 'debit', pending: 'void', lots: 'none' },
	expire: { system: 'expired', userSide: 'debit', pending: 'none', lots: 'draw' },
	refund: { system: 'clawed_back', userSide: 'debit', pending: 'none', lots: 'drawUpTo' },
	dispute: { system: 'clawed_back', userSide: 'debit', pending: 'none', lots: 'drawUpTo' },
	adjust: { system: 'adjusted', userSide: 'debit', pending: 'none', lots: 'drawUpTo' }
} as const satisfies Record<TransferCode, TransferRule>;

/** An `expire` that names a hold voids the hold's reservation, like a release; one without expires a lot. */
const holdExpiryRule: TransferRule = {
	system: 'spent',
	userSide: 'debit',
	pending: 'void',
	lots: 'none'
};

export function ruleOf(code: TransferCode, holdId: number | null): TransferRule {
	return code === 'expire' && holdId !== null ? holdExpiryRule : transferRules[code];
}

/** How a transfer moves the posted and pending counters of both its accounts. */
export function effectOf(rule: TransferRule, amount: number) {
	if (rule.pending === 'none') return { posted: amount, pending: 0 };
	if (rule.pending === 'reserve') return { posted: 0, pending: amount };
	if (rule.pending === 'post') return { posted: amount, pending: -amount };
	return { posted: 0, pending: -amount };
}

/** The codes that open a lot: purchase, grant, reinstate. */
export type GrantCode = {
	[C in TransferCode]: (typeof transferRules)[C]['lots'] extends 'open' ? C : never;
}[TransferCode];

export function isGrantCode(code: string): code is GrantCode {
	return Object.hasOwn(transferRules, code) && transferRules[code as TransferCode].lots === 'open';
}

export const grantCodes = Object.keys(transferRules).filter(isGrantCode);
