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
//	/smartconnect/POS     SmartConnect (register triple)   PUT /Pairing/{code}, POST /Transaction, GET /Transaction/{id}
//	/helcim/v2            Helcim (api-token)               GET /devices, /devices/{code}, /devices/{code}/ping, /connection-test
//	/control              JSON control API for the virtual terminals and faults
//
// Each cloud is its own http.Handler mounted under its prefixes (sciCloud in
// sci.go, smartConnectCloud in smartconnect.go, helcimCloud in helcim.go),
// so one cloud's quirks never leak into another's. They share the Sandbox's
// terminal registry (terminal.go),
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
// code. It imports none of the clients (providers/sci, providers/smartconnect,
// providers/helcim) nor providers/transport (only the provider ID and status
// constants from package providers), so a client
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
// # SmartConnect behaviour
//
// smartconnect.go simulates Smartpay SmartConnect's POS API (reference §2).
// There are no credentials: the register triple (POSRegisterID,
// POSBusinessName, POSVendorName) identifies the caller. Every error is
// {"error":"<message>"}.
//
// StartPairing shows an 8-digit code [OBS T13] for Options.PairingCodeTTL.
// While the pairing is not finalised the code refreshes: at expiry the
// terminal shows a new one and the old one is dead (Changes notified; the
// refresh is derived from the clock whenever the terminal is looked at or
// a code is sent, the timer only wakes subscribers). PUT
// /Pairing/{code} needs Content-Type application/x-www-form-urlencoded
// (else 400) and all four of POSRegisterID, POSRegisterName,
// POSBusinessName, POSVendorName (else 400 "<Field> is required", checked
// in that order; blank counts as missing); an unknown, refreshed-away or
// used code is 400 "Invalid pairing code" (expired and unknown are not told
// apart). Success is 200 {"result":"success"}: the terminal stops showing
// the code, shows paired, and lists the register as a pairing (PairingID =
// register ID, PairingNickname = register name). One register is paired to
// one terminal: pairing it elsewhere removes it from the old terminal. One
// terminal serves many registers; re-pairing on the same terminal updates
// the stored name and triple. Confirm has nothing to confirm (409 over the
// control API): SmartConnect has no confirmation step. UnpairFromTerminal
// removes every register from the terminal and ends a code on screen.
//
// POST /Transaction (form-encoded, the four register fields,
// TransactionMode=ASYNC — the legacy synchronous mode is not simulated —
// and TransactionType=Terminal.GetStatus; other types → 400 "Unsupported
// transaction type") needs the triple to match a paired register exactly
// (the register name may differ), else 400 "This register is not paired to
// a device". It answers {"transactionId","transactionStatus":"PENDING",
// "data":{"PollingUrl"}} with the polling URL on the sandbox's own origin,
// carrying a merchantAccessToken. GET on it answers PENDING the first
// time, then COMPLETED with data {"Result":"OK","Status":"READY"} — or,
// when the terminal is offline at that poll, {"Result":"FAILED-INTERFACE",
// "TransactionResult":"CANCELLED","ResultText":"Device offline"} (the real
// shape for an offline device is only partly observed). A poll less than
// 2 s after the previous accepted poll is 429 (always enforced: tests move
// the fake clock as a well-behaved POS waits); 15 min after the POST the
// token has expired (401 "Token expired"); a wrong token is 401 and an
// unknown id 404.
//
// SetOffline (POST /control/terminals/{id}/offline and /online) takes a
// SmartConnect terminal off the network; other providers answer 400.
// Fault routes are pairing, transaction and poll; a status fault answers
// the SmartConnect envelope. A delay fault reads the request body first so
// that a client hanging up ends the delay.
//
// # Helcim behaviour
//
// helcim.go, helcim_device.go and helcim_ratelimit.go simulate the Payment
// Hardware API (reference §3). There are two merchant accounts: the
// sandbox's, whose token is Info().Credentials.HelcimAPIToken, and another
// one whose devices the sandbox token must not see. A Helcim terminal is a
// device registered on an account with a 4-character code (upper-case
// letters and digits, from a Helcim-only random stream so seeded SCI values
// are unchanged). The code never changes and doubles as the terminal's TID;
// the nickname is "Smart Terminal <code>". A terminal added with
// "foreign_tenant":true belongs to the other account.
//
// Device states, and what ping answers:
//
//	standalone (Helcim POS; start state)  screen idle          409 Device Not Listening
//	pairing mode (StartPairing)           screen pairing_code  202, screen ping for 10 s
//	asleep (Sleep; Wake undoes it)        screen asleep        409 Device Not Listening
//
// StartPairing is "switch to pairing mode": the device wakes and shows its
// code as PairingCode, with no expiry. A 202 ping puts "Ping received from
// API" in Message and the screen on ping (Changes notified) until the
// device's timer puts the code back. UnpairFromTerminal is "switch back to
// standalone": the device stops listening, but stays registered, so its
// lookup still answers 200. Confirm has nothing to confirm. Sleep and Wake
// (POST /control/terminals/{id}/sleep and /wake) are Helcim-only.
//
// Every route checks the api-token header first: missing → 401
// {"errors":"Unauthorized"}; a token no account has → 403
// {"errors":"Unauthorized"} (the spec's connection-test answer for an
// invalid token, and the only auth error it lists on the device routes;
// the errors guide's "401 for invalid" is the other reading). A second
// token on the sandbox account, HelcimRestrictedAPIToken (also GET
// /control/helcim → {"restricted_api_token"}), lacks General/Settings Read:
// connection-test accepts it, the device routes answer 403 {"errors":"No
// access permission"}.
//
// Rate limit: 100 requests a minute and 3000 an hour per account, across
// its tokens, as a sliding window on the sandbox clock. Each authenticated
// request counts and is answered with minute-limit-remaining and
// hour-limit-remaining; over the limit it is 429 with those headers (the
// exhausted one 0) and Retry-After in whole seconds until the oldest
// request in the window leaves it. Requests without a known token belong to
// no account, are not counted, and carry no limit headers. At most 5
// requests of an account are answered at once; a sixth arriving meanwhile
// (a delay fault keeps requests in flight) is 429 "Rate limit exceeded: 5
// concurrent requests per account" with Retry-After 1, not counted against
// the minute.
//
// Errors use all three forms of the errors member: a string (401, 403,
// 404 Device Not Found / Devices Not Found, 409, 429, unknown routes), a
// list (400 for a {code} that is not 4 letters or digits) and a
// field→message map (400 for bad GET /devices query values: code longer
// than 4 or not alphanumeric, limit outside 1-100, offset < 0, page < 1,
// offset together with page). GET /devices lists the account's devices in
// registration order, code being a case-insensitive partial match; an
// empty page is 404 Devices Not Found. Device codes in paths are matched
// exactly (case-sensitive): whether Helcim is case-sensitive is an open
// question, and codes are upper case, so a client that forgot to normalise
// finds out here. Fault routes are device, ping, devices and
// connection-test; an injected status answers {"errors":"injected fault:
// …"}.
//
// # Control API and faults
//
// Under /control: GET /terminals, POST /terminals {"provider","live",
// "foreign_tenant"} (201; live is SCI only, foreign_tenant SCI and Helcim,
// else 400), GET /terminals/{id}, POST /terminals/{id}/pairing-code, POST
// /terminals/{id}/confirm, POST /terminals/{id}/unpair, POST
// /terminals/{id}/sleep and /wake (Helcim), POST /terminals/{id}/offline
// and /online (SmartConnect), GET /helcim, POST /faults, DELETE /faults.
// Routes without a JSON body take none: a body other than {} is 400. A
// known path with another method is 405 with Allow; an unknown path is 404
// listing the routes. Errors are {"error":"…"} naming the problem and the
// next step.
//
// A Fault targets one provider route — for SCI progress-pairing,
// pairing-info or unpair; for SmartConnect pairing, transaction or poll;
// for Helcim device, ping, devices or connection-test — for Count requests
// (0: until cleared): delay_ms, status (that status with error code
// sandbox_fault), reset (the connection is closed with no response) or
// malformed (200 with truncated JSON). delay_ms is a slow cloud: the
// request waits before it is acted on (a client that gives up ends the
// wait, and nothing happens), but it is judged as it arrived, so a signed
// SCI request's created window is checked against its arrival time, not
// the end of the delay. RequestCount counts every request that reached a
// route, faulted or not.
//
// The Info credentials are sandbox values generated at New (deterministic
// when Options.Seed is non-zero), or planted by Options.Credentials (the
// reliability suite's canaries); they grant nothing outside the sandbox,
// which is why tillpair sandbox prints them.
package sandbox
