import { transferTypes, type TransferType, type TypeOption } from '$lib/types';

export const transferTypeLabels: Record<TransferType, string> = {
	purchase: 'Purchase',
	welcome_gift: 'Welcome gift',
	spend: 'Spend',
	hold: 'Hold',
	capture: 'Capture',
	release: 'Release',
	refund: 'Refund',
	dispute: 'Dispute',
	reinstated: 'Reinstated',
	expired: 'Expired',
	adjustment: 'Adjustment'
};

export const transferTypeOptions: TypeOption[] = transferTypes.map((value) => ({
	value,
	label: transferTypeLabels[value]
}));
