export const dayMs = 24 * 60 * 60 * 1000;

/** How far ahead a balance's `expiringSoon` looks. */
export const expiringSoonMs = 30 * dayMs;
