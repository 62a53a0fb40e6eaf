/**
 * The last error of the BOOL and HINTERNET functions, as `GetLastError()` returns it on Windows.
 * Windows keeps one per thread; JavaScript runs one thread per realm (the main thread, each worker),
 * and each realm loads its own copy of this module, so one value per module instance is the same
 * rule. Every BOOL or HINTERNET function sets it: to the error when it fails, to `ERROR_SUCCESS`
 * when it succeeds. Callbacks run on the same thread, so read it right after the call.
 */
import { ERROR_SUCCESS } from './error-codes.js';

let lastError: number = ERROR_SUCCESS;

/**
 * `GetLastError()` for this API: the error of the last BOOL or HINTERNET function that was called
 * (`ERROR_SUCCESS` after one that succeeded). The WebSocket functions return their error instead.
 */
export function WinHttpGetLastError(): number {
  return lastError;
}

/** Sets the last error and returns `false`: `return fail(ERROR_…)` in a BOOL function. */
export function fail(error: number): false {
  lastError = error;
  return false;
}

/** Sets the last error and returns `null`: `return failHandle(ERROR_…)` in a HINTERNET function. */
export function failHandle(error: number): null {
  lastError = error;
  return null;
}

/** Clears the last error and returns `value`: the success path of a BOOL or HINTERNET function. */
export function succeed<T>(value: T): T {
  lastError = ERROR_SUCCESS;
  return value;
}
