import type { SessionValidationResult } from '$lib/server/auth/session';
import type { Theme } from '$lib/theme';

declare global {
	namespace App {
		interface Locals {
			user: SessionValidationResult['user'];
			session: SessionValidationResult['session'];
			requestId: string;
			theme: Theme;
		}
		interface Error {
			message: string;
			requestId?: string;
		}
	}
}

export {};
