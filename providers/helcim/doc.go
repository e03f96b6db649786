// Package helcim is the client for the Helcim Payment Hardware API (formerly
// the Smart Terminal API), reference §3.
//
// Helcim has no pairing call. The merchant switches the device to pairing
// mode on the device, it shows a four-character device code, and "pairing"
// means storing that code and sending it with every request. Pair therefore
// validates the code in two steps, both GETs with the api-token header:
//
//  1. GET {base}/devices/{code}: the device exists on the token's account
//     (200 {"code","dateCreated"}; 404 for an unknown code or one from
//     another account).
//  2. GET {base}/devices/{code}/ping: the Send a Ping Event endpoint, 202
//     with no body; the device shows a message so the merchant can see the
//     right terminal answered. 409 means the device is not listening
//     (asleep, app closed, or not in pairing mode).
//
// The result is an active Pairing whose ID is the upper-cased code; the
// returned Secret is empty, because the API token (Config.APIToken, kept in
// the keyring as helcim/api-token) is the only credential.
//
// Check pings again: 202 → active; 409 → KindNotListening with status
// unknown (the pairing is fine, the terminal is not reachable now); 404 →
// KindNotPaired with status unpaired, because a code that was valid when
// paired and is now unknown means the device left the account (removed or
// re-registered with a new code), so the stored pairing reaches nothing.
// Unpair never calls the cloud: it returns KindUnpairOnTerminal with
// guidance to switch the device back to standalone (Helcim POS) mode,
// after which the app forgets the code locally.
//
// # Errors
//
// Helcim error bodies carry an "errors" member that is a string, an array
// of strings or a field→message map; DecodeErrors renders all three (and
// plain-text or empty bodies) as one printable line. Helcim sends no error
// codes, so Error.Code holds tillpair's own names for the outcome:
//
//	400 → KindInvalidCode (Pair) / KindProtocol        invalid_request
//	401 → KindCredentials (token missing or invalid)   unauthorized
//	403 → KindCredentials (token invalid or lacking
//	      General: Read and Settings: Read)            forbidden
//	404 → KindNotFound (Pair) / KindNotPaired (Check)  device_not_found
//	409 → KindNotListening, retryable                   device_not_listening
//	429 → KindRateLimited, retryable                    rate_limited
//	5xx → KindServer, retryable (both calls are side-effect-free GETs)
//
// The 429 message carries Retry-After (when sent) as "try again in about N
// seconds", else "about a minute", and the minute-limit-remaining and
// hour-limit-remaining headers. A missing token is reported as
// KindCredentials before any request is sent.
//
// # Choices where the API is undocumented
//
//   - Environment: Helcim has one API for test and live accounts, so a
//     pairing is "live" unless the base URL is a loopback host, which only
//     the built-in sandbox (or a local test server) can be: then "sandbox".
//   - Ping success is exactly 202 Accepted as specified; any other 2xx is
//     KindProtocol rather than a guess that the device saw the ping.
//   - Codes are sent upper case (observed codes are; case-sensitivity is an
//     open question) and must be four ASCII letters or digits; anything
//     else is refused locally, since the code becomes a URL path segment.
//   - The token is trimmed of surrounding white space, and a blank token
//     counts as missing.
//
// All HTTP goes through providers/transport: https only (plain http only
// for loopback), a deadline per request (Config.Timeout, default 15 s) and
// bodies read through a size cap. The token never appears in errors or logs.
package helcim
