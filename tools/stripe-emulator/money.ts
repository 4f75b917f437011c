/** Formats integer minor units (999 usd → $9.99) with the currency's own number of decimals. */
export function formatAmount(amount: number, currency: string): string {
	const format = new Intl.NumberFormat('en-US', {
		style: 'currency',
		currency: currency.toUpperCase()
	});
	const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
	return format.format(amount / 10 ** decimals);
}
