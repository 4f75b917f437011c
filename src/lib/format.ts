/** Money in minor units (999 usd is $9.99), with the currency's own number of decimals. */
export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
	const format = new Intl.NumberFormat(locale, {
		style: 'currency',
		currency: currency.toUpperCase()
	});
	const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
	return format.format(amountMinor / 10 ** digits);
}

export function formatCredits(credits: number, locale = 'en-US'): string {
	return new Intl.NumberFormat(locale).format(credits);
}
