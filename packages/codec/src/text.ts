/**
 * The text coders the codec shares: one of each for the whole package (a coder keeps no state
 * between calls without `stream`), each created only in a bundle that uses it.
 */

/** Encodes strings to UTF-8. */
export const utf8Encoder = /* @__PURE__ */ new TextEncoder();

/** Decodes UTF-8 and throws on invalid input; a BOM is kept as U+FEFF, never stripped. */
export const fatalUtf8Decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes bytes already known to be valid UTF-8 (faster than the fatal decoder); keeps a BOM. */
export const lenientUtf8Decoder = /* @__PURE__ */ new TextDecoder('utf-8', { ignoreBOM: true });
