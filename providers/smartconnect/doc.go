// Package smartconnect is the Smartpay SmartConnect POS API client.
//
// SmartConnect pairs a register, identified by its register triple
// (POSRegisterID, POSBusinessName, POSVendorName) plus a display name, with
// a terminal showing a temporary pairing code: PUT {base}/Pairing/{code}
// with the triple form-encoded answers 200 {"result":"success"} and the
// pairing is done. There is no confirmation step, no secret and no unpair
// call for the POS; the pairing lives in the cloud, keyed by the triple, so
// the same triple must be sent with every later request (reference §2.2,
// §2.3).
//
// The "Test" (Check) is the non-financial transaction Terminal.GetStatus:
// POST {base}/Transaction in ASYNC mode answers PENDING with a polling URL,
// which is polled (never faster than every 2 s, the documented rate limit)
// until COMPLETED; data.Result OK means the terminal is reachable. The
// polling URL carries a merchant access token, is only ever followed on the
// base URL's own scheme and host, and is never logged. "This register is
// not paired to a device" means the pairing was removed on the terminal:
// Check reports StatusUnpaired with a KindNotPaired error.
//
// Unpair always returns KindUnpairOnTerminal with the terminal menu path:
// the app can only forget the pairing locally.
//
// Errors are {"error":"<message>"}; the message decides the Kind where it is
// specific ("Invalid pairing code", "expired", "not paired", "Token
// expired"), the status otherwise (429 rate limited, 5xx server). A body
// that is not JSON is shown as trimmed, capped text; an empty body as the
// status text. All HTTP goes through providers/transport (URL rules,
// deadlines, size caps, transport error classification).
package smartconnect
