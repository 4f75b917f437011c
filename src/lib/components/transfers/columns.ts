import type { Column } from '$lib/components/ui/table';

/** How every list of transfers begins, the customer's history and an admin's ledger alike. */
export const transferColumns: Column[] = [
	'Date',
	'Type',
	{ label: 'Credits', numeric: true },
	{ label: 'Balance after', numeric: true }
];
