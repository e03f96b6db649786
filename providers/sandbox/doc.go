// Package sandbox simulates the payment clouds and their terminals over
// real HTTP on loopback, so tillpair runs, demos and tests with no hardware
// and no vendor credentials.
//
// # Architecture
//
// One listener on 127.0.0.1 serves everything under path prefixes:
//
//	/sci-pairing          SCI Pairing API (ApiKey)         POST /v1/progress-pairing
//	/sci-api/{tenant}     SCI API, per tenant (RFC 9421)   GET /v1/pairing-info, POST /v1/unpair
//	/smartconnect/POS     SmartConnect (not simulated yet: 404)
//	/helcim/v2            Helcim (not simulated yet: 404)
//	/control              JSON control API for the virtual terminals and faults
//
// Each cloud is its own http.Handler (sciCloud in sci.go) mounted under its
// prefixes; SmartConnect and Helcim are meant to be added the same way as
// sibling files. They share the Sandbox's terminal registry (terminal.go),
// fault injection and request counting (faults.go: every provider route is
// wrapped by Sandbox.route), the deterministic random source (rng.go), the
// clock and the change notifications. One mutex guards all state; time only
// ever comes from the clockwork.Clock, so tests drive expiry and signature
// windows with a fake clock.
//
// # Why it never imports the clients
//
// The sandbox is a second, independent implementation of each wire
// protocol, written from the reference (providers.md), not from the client
// code. It imports neither providers/sci nor providers/transport (only the
// provider ID and status constants from package providers), so a client
// bug — a wrong signature base, a wrong secret combination, a wrong field
// name — cannot hide behind code both sides share. For the same reason it
// verifies signatures generically: the covered components and their order
// come from the received Signature-Input (parsed with dunglas/httpsfv), and
// every component is derived from the request as received (@authority is
// the Host header, @request-target the raw request target), never from
// what a client is expected to send.
//
// # SCI behaviour
//
// A terminal's code goes initial (StartPairing; 6 digits, TTL
// Options.PairingCodeTTL) → progressed (progress-pairing; the terminal shows
// the 4-digit confirmation code) → confirmed (Confirm; the pairing is
// active) | expired | revoked (StartPairing again, UnpairFromTerminal, or a
// signed unpair while progressed — how a POS cancels, SCIPAIRING07).
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
// # Control API and faults
//
// Under /control: GET /terminals, POST /terminals {"provider","live",
// "foreign_tenant"} (201), GET /terminals/{id}, POST
// /terminals/{id}/pairing-code, POST /terminals/{id}/confirm, POST
// /terminals/{id}/unpair, POST /faults, DELETE /faults. Errors are
// {"error":"…"} naming the problem and the next step.
//
// A Fault targets one provider route — for SCI progress-pairing,
// pairing-info or unpair — for Count requests (0: until cleared): delay_ms
// (honours the request context), status (that status with error code
// sandbox_fault), reset (the connection is closed with no response) or
// malformed (200 with truncated JSON). RequestCount counts every request
// that reached a route, faulted or not.
//
// The Info credentials are sandbox values generated at New (deterministic
// when Options.Seed is non-zero); they grant nothing outside the sandbox,
// which is why tillpair sandbox prints them.
package sandbox
