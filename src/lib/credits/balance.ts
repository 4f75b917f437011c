/** The `depends` key of every load that shows a balance: `invalidate` it to read the figures again. */
export const balanceDependency = 'credits:balance';
