// Package linkly simulates Linkly Cloud (Australia) for the sandbox
// (reference providers-next.md §7): a PIN pad shows a pair code, the POS
// sends it with the merchant's Linkly Cloud username and password and gets
// a non-expiring secret, and the secret buys short-lived bearer tokens for
// the POS API. It implements sandbox.Cloud.
//
// # Hosts and routes
//
// The two hosts are two prefixes of the shared listener: the Auth API
// under /linkly-auth (Info linkly_auth_url) and the POS API under
// /linkly-pos (Info linkly_pos_url); a client adds the vendor paths to
// each:
//
//	POST {auth}/v1/pairing/cloudpos     {"username","password","pairCode"} → 200 {"secret"}
//	POST {auth}/v1/tokens/cloudpos      {"secret","posName","posVersion","posId","posVendorId"}
//	                                    → 200 {"token","expirySeconds"}
//	POST {pos}/v2/sessions/{id}/status  Bearer token; {"request":{…}} → 200 {"requestId","uri"}
//	GET  {pos}/v2/sessions/{id}/result?all=false  → 200 [events] | 425 (nothing yet)
//
// Anything else, a known path with another method included, is 404 with
// an empty body. Bodies are read case-insensitively (camelCase as the SDK
// sends, PascalCase as the doc pages show), members not named are
// ignored, and answers are camelCase.
//
// Info credentials: linkly_username (Public: it is typed with echo, and
// the log keeps it) and linkly_password (a secret: the request log
// redacts it, and so does SecretCredentials' leak scan). The request log
// also redacts every "password", "secret" and "token" member and the
// Bearer token, so a wrong password, a pairing secret and a token never
// reach it.
//
// # Errors
//
// 400 and 401 have no body, as the real cloud's [OBS T60]; the setting
// error_bodies "text" gives the vendor tests' Unauthorised and Error
// instead. Pairing: a body that is not an object with non-empty string
// username, password and pairCode is 400; every other refusal — unknown
// username, wrong password, unknown, used, void or expired code, a pad of
// another account — is one 401 (400 with pair_failure_status 400, the
// vendor mock's). Token: the five members must be non-empty strings and
// posId and posVendorId version 4 UUIDs (400); then an unknown or revoked
// secret is 401. POS API: a missing, unknown or expired token, or one
// whose secret was revoked, is 401; status with a session id that is
// not 32 hex digits or a hyphenated UUID, one used before, a body without
// a "request" object, a statusType other than "0", "1", "2", or a posId
// other than the token's is 400; result for a session the token's
// secret did not make is 404, an all= other than true/false 400.
//
// # The virtual PIN pad (terminal side)
//
// Screens: idle (not paired; its message says "UNPAIRED" after an
// unpair), pairing_code (the code and its expiry), code_expired, paired
// ("PAIRED"). Its pairings list every secret it made (secret-N, the
// posName of its last token request, active or unpaired). Its TID is the
// catId of its status answers, with a 16-character serial.
//
// Actions: pairing-code starts pairing: a fresh 6-digit code, never shown
// before, live for 180 s (Options.PairingCodeTTL overrides it) on the
// sandbox clock; a code still on screen is void (refused while switched
// off). A pairing with it revokes the pad's older secrets, unless the pad
// is in a pool (option pool). unpair is unpairing on the PIN pad: every
// secret it made is revoked (token 401, and the POS API refuses tokens
// they bought) and a code on screen is void. expire-code ends the code on
// screen now. power off: status requests get no answer (result is 425
// until the client gives up); pairing and tokens are the cloud's and keep
// working.
//
// Options (POST /control/terminals {"provider":"linkly", …}):
// foreign_tenant (the pad belongs to another account), status_delay (how
// long the pad takes to answer a status request, default "0s"), busy
// (responseCode "BY", success false, PINPAD BUSY), logged_on (default
// true), pool.
//
// Settings (GET /control/linkly; POST /control/linkly with any of them,
// or Configure): pair_failure_status (401 or 400), token_expiry_seconds
// (default 1800), result_hold_ms (how long a result GET with nothing new
// waits before 425, default 1000, as the vendor mock), error_bodies
// ("empty" or "text").
//
// # Choices where the reference is silent or [INF]
//
//   - Pair codes are 6 digits (the vendor examples 123456, 135792) and
//     compared trimmed and exactly; a code used once is never accepted
//     again.
//   - Re-pairing a pad revokes its older secrets by default (reference
//     §7.9's safest assumption); pool keeps them.
//   - The token request's shape is checked before its secret, so a bad
//     posId is 400 even with a revoked secret.
//   - The status answer is decided when the status request arrives: a pad
//     switched off then never answers it, even when switched on again.
//   - A session belongs to the secret whose token made it; another
//     pairing's token gets 404 for it.
//   - An injected 4xx fault answers like a real one (empty, or text with
//     error_bodies "text"); any other status has the fault's message as
//     text/plain.
//
// Fault routes: pair, token, status, result. Random values come from
// Linkly's own streams, so adding Linkly shifted no seeded value of the
// clouds before it.
package linkly
