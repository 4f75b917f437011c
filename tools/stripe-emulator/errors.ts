export type StripeErrorType =
	'invalid_request_error' | 'card_error' | 'api_error' | 'idempotency_error';

export interface StripeErrorBody {
	error: {
		type: StripeErrorType;
		code?: string;
		decline_code?: string;
		message: string;
		param?: string;
		doc_url?: string;
	};
}

/** An error in Stripe's wire shape; `validation` errors are raised before the request executes. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly type: StripeErrorType,
		message: string,
		readonly code?: string,
		readonly param?: string,
		readonly validation = false
	) {
		super(message);
	}

	toBody(): StripeErrorBody {
		const docUrl = this.code
			? `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`
			: undefined;
		return {
			error: {
				type: this.type,
				code: this.code,
				message: this.message,
				param: this.param,
				doc_url: docUrl
			}
		};
	}
}

export function invalidRequest(message: string, param?: string, code?: string): ApiError {
	return new ApiError(400, 'invalid_request_error', message, code, param);
}

export function resourceMissing(kind: string, id: string, param = 'id'): ApiError {
	return new ApiError(
		404,
		'invalid_request_error',
		`No such ${kind}: '${id}'`,
		'resource_missing',
		param
	);
}
