import type { CardDetails } from './objects/charge';

export interface CardFailure {
	code: string;
	declineCode: string | null;
	message: string;
}

export type CardOutcome =
	| { kind: 'approved'; card: CardDetails }
	| { kind: 'declined'; card: CardDetails; failure: CardFailure }
	| { kind: 'invalid'; message: string };

/** Stripe's documented test numbers that succeed. */
const APPROVED = new Set([
	'4242424242424242',
	'4000056655665556',
	'5555555555554444',
	'2223003122003222',
	'5200828282828210',
	'378282246310005',
	'371449635398431',
	'6011111111111117'
]);

/** Stripe's documented test numbers that decline, with the messages Checkout shows. */
const DECLINED: Record<string, CardFailure> = {
	'4000000000000002': {
		code: 'card_declined',
		declineCode: 'generic_decline',
		message: 'Your card was declined.'
	},
	'4000000000009995': {
		code: 'card_declined',
		declineCode: 'insufficient_funds',
		message: 'Your card has insufficient funds.'
	},
	'4000000000009987': {
		code: 'card_declined',
		declineCode: 'lost_card',
		message: 'Your card was declined.'
	},
	'4000000000009979': {
		code: 'card_declined',
		declineCode: 'stolen_card',
		message: 'Your card was declined.'
	},
	'4000000000000069': {
		code: 'expired_card',
		declineCode: null,
		message: 'Your card has expired.'
	},
	'4000000000000127': {
		code: 'incorrect_cvc',
		declineCode: null,
		message: "Your card's security code is incorrect."
	},
	'4000000000000119': {
		code: 'processing_error',
		declineCode: null,
		message: 'An error occurred while processing your card. Try again in a little bit.'
	}
};

const LIVE_CARD: CardFailure = {
	code: 'card_declined',
	declineCode: 'test_mode_live_card',
	message:
		'Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.'
};

/** What Stripe in test mode does with a card number typed on the Checkout page. */
export function authorizeCard(input: string, expiry = ''): CardOutcome {
	const number = input.replace(/[\s-]/g, '');
	if (number === '') return { kind: 'invalid', message: 'Your card number is incomplete.' };
	if (!/^\d{13,19}$/.test(number) || !passesLuhn(number))
		return { kind: 'invalid', message: 'Your card number is invalid.' };
	const card = describeCard(number, expiry);
	if (APPROVED.has(number)) return { kind: 'approved', card };
	return { kind: 'declined', card, failure: DECLINED[number] ?? LIVE_CARD };
}

function describeCard(number: string, expiry: string): CardDetails {
	const [month, year] = expiry.split('/').map((part) => Number(part.trim()));
	const validExpiry =
		Number.isInteger(month) && month >= 1 && month <= 12 && Number.isInteger(year);
	return {
		brand: detectBrand(number),
		last4: number.slice(-4),
		expMonth: validExpiry ? month : 12,
		expYear: validExpiry ? (year < 100 ? 2000 + year : year) : new Date().getFullYear() + 3
	};
}

function detectBrand(number: string): string {
	if (number.startsWith('4')) return 'visa';
	if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
	if (/^3[47]/.test(number)) return 'amex';
	if (/^(6011|65)/.test(number)) return 'discover';
	return 'unknown';
}

function passesLuhn(number: string): boolean {
	let sum = 0;
	for (let i = 0; i < number.length; i++) {
		let digit = Number(number[number.length - 1 - i]);
		if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
		sum += digit;
	}
	return sum % 10 === 0;
}
