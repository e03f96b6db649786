// Package sci simulates mx51 SCI for the sandbox (reference §1): the
// pairing API under /sci-pairing (ApiKey; POST /v1/progress-pairing) and
// the per-tenant SCI API under /sci-api/{tenant} (RFC 9421 signatures; GET
// /v1/pairing-info, POST /v1/unpair). It implements sandbox.Cloud; Info
// gets sci_pairing_url and the credentials sci_api_key and
// sci_signing_secret_part_a.
//
// Signatures are verified generically: the covered components and their
// order come from the received Signature-Input (parsed with
// dunglas/httpsfv), and every component is derived from the request as
// received (@authority is the Host header, @request-target the raw request
// target), never from what a client is expected to send.
//
// # Terminal side
//
// A terminal's code goes initial (pairing-code; 6 digits, TTL
// Options.PairingCodeTTL, default 2 minutes) → progressed
// (progress-pairing; the terminal shows the 4-digit confirmation code) →
// confirmed (confirm; the pairing is active) | expired | revoked
// (pairing-code again, unpair on the terminal, or a signed unpair while
// progressed — how a POS cancels, SCIPAIRING07). Expiry is derived from the
// clock; the timer only wakes subscribers.
//
// expire-code makes the code on screen expire now, exactly as its TTL
// running out would (screen code_expired, progress-pairing 422); with
// {"code"} it must be that code. A progressed code has no TTL, so there is
// nothing to expire (409).
//
// power only switches the online flag: progress-pairing, pairing-info and
// unpair are answered by the cloud, and the reference does not say the
// cloud consults the terminal for them, so a switched-off SCI terminal
// changes no answer. sign-in is not an SCI action (400).
//
// Signed requests need created within ±5 s of the sandbox clock, alg
// hmac-sha256 when given, the key PartA+PartB as one text string, and for
// POST/PUT/PATCH a covered content-digest matching the exact body bytes;
// any failure is 401 no_valid_signatures_found with a message naming the
// check that failed (never a secret).
//
// # Choices where the real API is undocumented
//
//   - An expired pairing code answers 422 pairing_not_initial, not 404: the
//     code existed, and observed clients read 422 as "used or expired".
//   - pairing-info's 200 body is {"data":{"pairing_id","pairing_nickname",
//     "tid","terminal_nickname","status":"active"}}; the real body is not
//     documented, so clients must not rely on more than the 200.
//   - A pairing awaiting confirmation answers pairing-info with 401
//     no_active_pairings_found, as observed; so does one after unpair.
//   - progress-pairing names the base URL sci_api_base_url (FAQ and every
//     observed client); Options.SCILegacyBaseURLKey switches to
//     spi_cloud_api_base_url (the pairing page's example).
//   - The 403s: a terminal added with "live":true refuses the sandbox's
//     test_ key (test_api_key_forbidden_for_live_pairing); one added with
//     "foreign_tenant":true belongs to a tenant the key may not use
//     (pairing_route_forbidden).
//   - progress-pairing bodies are decoded strictly (unknown fields and
//     trailing data are 400 invalid_request), so client mistakes surface
//     here. Unknown paths answer 404 route_not_found "Route not found".
//   - "@signature-params" is the received inner list re-serialised per
//     RFC 9421 §2.3, which is byte-identical to what was received for the
//     canonical form every client sends.
//
// Fault routes are progress-pairing, pairing-info and unpair; an injected
// status answers {"error":{"code":"sandbox_fault","message"}}.
package sci
