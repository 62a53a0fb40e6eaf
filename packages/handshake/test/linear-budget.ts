/**
 * The time budget of the "linear on hostile input" tests. The inputs are 10^4–10^6 bytes, so a
 * quadratic scan would take 10^8–10^12 steps: tens of seconds at least. Five seconds leaves room for
 * a loaded 2-core CI machine (turbo runs packages' tests side by side) while still catching that.
 */
export const LINEAR_BUDGET_MS = 5000;
