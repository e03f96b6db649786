// Package helcim simulates the Helcim Payment Hardware API for the sandbox
// (reference §3), under /helcim/v2: GET /connection-test, /devices,
// /devices/{code} and /devices/{code}/ping. It implements sandbox.Cloud;
// Info gets helcim_url and the credential helcim_api_token.
//
// There are two merchant accounts: the sandbox's, whose token is the Info
// credential helcim_api_token, and another one whose devices the sandbox
// token must not see. A Helcim terminal is a device registered on an
// account with a 4-character code (upper-case letters and digits, from a
// Helcim-only random stream so seeded SCI values are unchanged). The code
// never changes and doubles as the terminal's TID; the nickname is "Smart
// Terminal <code>". A terminal added with "foreign_tenant":true belongs to
// the other account.
//
// # Terminal side
//
// Device states, and what ping answers:
//
//	standalone (Helcim POS; start state)  screen idle          409 Device Not Listening
//	pairing mode (pairing-code)           screen pairing_code  202, screen ping for 10 s
//	asleep (sleep; wake undoes it)        screen asleep        409 Device Not Listening
//	switched off (power false)            screen unchanged     409 Device Not Listening
//
// pairing-code is "switch to pairing mode": the device wakes and shows its
// code as PairingCode, with no expiry. A 202 ping puts "Ping received from
// API" in Message and the screen on ping (Changes notified) until the
// device's timer puts the code back. unpair is "switch back to
// standalone": the device stops listening, but stays registered, so its
// lookup still answers 200. confirm has nothing to confirm (409). sleep
// and wake (POST /control/terminals/{id}/sleep and /wake) are Helcim's own
// actions. A device switched off does not listen, like a sleeping one, but
// the cloud still knows it: lookup and list answer as before. The device
// code never expires, so expire-code is not a Helcim action, and neither is
// sign-in (400).
//
// # API
//
// Every route checks the api-token header first: missing → 401
// {"errors":"Unauthorized"}; a token no account has → 403
// {"errors":"Unauthorized"} (the spec's connection-test answer for an
// invalid token, and the only auth error it lists on the device routes;
// the errors guide's "401 for invalid" is the other reading). A second
// token on the sandbox account (RestrictedAPIToken; also GET
// /control/helcim → {"restricted_api_token"}) lacks General/Settings Read:
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
package helcim
