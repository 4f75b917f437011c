const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
const integer = new Intl.NumberFormat('en-US');
const signed = new Intl.NumberFormat('en-US', { signDisplay: 'exceptZero' });

export function formatDateTime(value: Date | number): string {
	return dateTime.format(value);
}

export function formatDate(value: Date | number): string {
	return date.format(value);
}

/** Thousands separators: 12,500. */
export function formatCount(value: number): string {
	return integer.format(value);
}

/** A change of balance, with its sign spelled out: +500, −20, 0. */
export function formatSignedCount(value: number): string {
	return signed.format(value);
}
