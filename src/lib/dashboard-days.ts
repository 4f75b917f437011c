/** The ranges the admin dashboard's charts cover (`/admin?days=`); the first is the default. */
export const dashboardDays = [30, 90] as const;
export type DashboardDays = (typeof dashboardDays)[number];
