// Package square simulates Square's Devices API for Terminal API pairing
// (reference providers-next.md §6) and Square Terminals, for the sandbox.
// It implements sandbox.Cloud under /square: Info gets square_url (the
// client's base URL: {square_url}/v2/devices/codes), the secret
// square_access_token and the location id square_location_id (Public: the
// request log shows it).
//
// This is the pairing model where the POS shows the code: the POS creates
// a device code, the operator signs in on the Terminal with it ("Sign in
// with device code", the control API's sign-in), and the code turns PAIRED
// with the Terminal's serial as device_id. There is no API to revoke a code
// or unpair a device; unpair is signing out on the Terminal.
//
// # API
//
//	POST /v2/devices/codes             create: 200 {"device_code":{…}}      route create-code
//	GET  /v2/devices/codes/{id}        one code                             route get-code
//	GET  /v2/devices/codes             list: cursor, location_id,           route list-codes
//	                                   product_type, status
//	GET  /v2/devices                   list: cursor, sort_order, limit,     route list-devices
//	                                   location_id
//	GET  /v2/devices/{device_id}       one device: device%3A<serial>        route get-device
//
// Every route checks, in this order [INF]: Authorization: Bearer with a
// token of an account (else 401 {"errors":[{"category":
// "AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"This request
// could not be authorized."}]}, the observed body, for a missing, malformed
// or unknown token alike; ACCESS_TOKEN_EXPIRED and ACCESS_TOKEN_REVOKED for
// the expired and revoked fixture tokens); one Square-Version header
// matching YYYY-MM-DD, any date (else 400 INVALID_SQUARE_VERSION_FORMAT; a
// missing header is refused too, although the real cloud would use the
// application's default version [INF], because tillpair pins one); then
// the permission — DEVICE_CREDENTIAL_MANAGEMENT for the codes routes,
// DEVICES_READ for the devices routes (else 403 INSUFFICIENT_SCOPES).
// Errors are {"errors":[{category, code, detail, field}]}, with the first
// error's status when there are several. Any other path or method —
// including DELETE of a code: there is no revoke — is 404 NOT_FOUND "API
// endpoint for URL path … and HTTP method … is not found." [INF].
//
// Create needs Content-Type application/json (else 400
// INVALID_CONTENT_TYPE [INF]) and reports every problem of the body at
// once: not a JSON object EXPECTED_JSON_BODY; a member of the wrong type
// EXPECTED_STRING or EXPECTED_OBJECT; an unknown member, or a read-only
// DeviceCode field (id, code, status, …), BAD_REQUEST [INF: the sandbox
// is strict so a client's mistake shows here]; idempotency_key absent
// MISSING_REQUIRED_PARAMETER, "" VALUE_TOO_SHORT, over 128 characters
// VALUE_TOO_LONG; device_code or its product_type absent
// MISSING_REQUIRED_PARAMETER; a product_type other than TERMINAL_API
// INVALID_ENUM_VALUE; name over 128 or location_id over 50 characters
// VALUE_TOO_LONG; a location the account does not have INVALID_VALUE (the
// endpoint's x-endpoint-errors list no NOT_FOUND). field names the member
// ("device_code.product_type"). A code gets a 13-character id from [0-9A-Z],
// a 6-letter code no live code has, status UNPAIRED, created_at =
// status_changed_at = now and pair_by = now + 5 minutes
// (Options.PairingCodeTTL overrides it), times in millisecond RFC 3339 UTC.
// With no name it is named "Terminal API Device created on Jan 2, 2006"
// [INF from the webhook example]; with no location_id it has none, and a
// Terminal signed in with it reports the account's main location.
//
// Idempotency is per (token, idempotency_key) [reference §6.11]: the same
// key and body (compared as decoded, so member order does not matter)
// replay the first 200 answer byte for byte, even after the code has
// paired or expired; the same key with another body is 400
// IDEMPOTENCY_KEY_REUSED. Failed requests store nothing. Keys are kept for
// the sandbox's life.
//
// Expiry is derived from the clock, never from a timer: an UNPAIRED code
// reads EXPIRED from exactly pair_by (status_changed_at = pair_by), the
// "eager" default. Settings.ExpiryLagSeconds makes the server lazy: the
// code still reads UNPAIRED (and lists as UNPAIRED) for that long past
// pair_by, then EXPIRED with status_changed_at = pair_by + lag. A Terminal
// refuses a code from pair_by either way, so a client must treat UNPAIRED
// past pair_by as expired. PAIRED is final; paired_at is set once paired.
//
// Lists: codes oldest first, PAIRED and UNPAIRED unless status names one
// value (UNKNOWN, UNPAIRED, PAIRED or EXPIRED; INVALID_ENUM_VALUE else);
// devices newest first unless sort_order=ASC, limit 1-100 (EXPECTED_INTEGER,
// INVALID_VALUE). A page holds Settings.PageSize items (default 2, so
// paging is exercised) or limit; "cursor" comes only while more remain. A
// cursor is opaque, bound to the list, the account and the filters, and
// names the last item by creation order, so pages stay stable while codes
// are added or expire; any other cursor is 400 INVALID_CURSOR. A parameter
// given twice is BAD_REQUEST; an empty value is absent; unknown parameters
// are ignored. An empty list is {} [INF: Square leaves empty lists out].
// A code or device of another account is 404 NOT_FOUND like an unknown one.
//
// GET /v2/devices/{device_id} takes the Device id device:<serial> with the
// colon sent as %3A [DOC S54]; a raw colon or a bare serial is 404 [INF:
// strict, since Go's url.PathEscape leaves colons alone]. A device is
// {"id","attributes":{type TERMINAL, manufacturer, model, name "Square
// Terminal <last 4>", manufacturers_id (the serial), updated_at, version,
// merchant_token (the account id)},"components":[APPLICATION
// (application_type TERMINAL_API, session_location, device_code_id: the
// code it last signed in with), CARD_READER, BATTERY, WIFI],"status":
// {"category"}}. The category is OFFLINE while the Terminal is switched
// off or signed out, NEEDS_ATTENTION while flagged, AVAILABLE otherwise;
// the API reports it as it was status_lag_seconds ago (updated_at is when
// that state began), since the real data "is not real-time" [DOC S54].
// Only Terminals that signed in with a device code are devices [OBS T55].
//
// Fault routes are create-code, get-code, list-codes, list-devices and
// get-device; an injected status answers Square's envelope: 429
// RATE_LIMITED (RATE_LIMIT_ERROR) with Retry-After: 1, 500
// INTERNAL_SERVER_ERROR, 503 SERVICE_UNAVAILABLE, 504 GATEWAY_TIMEOUT (all
// API_ERROR), 401 UNAUTHORIZED, 403 FORBIDDEN, 404 NOT_FOUND, any other 4xx
// BAD_REQUEST. No rate limit is simulated: none is documented.
//
// # Accounts and fixtures
//
// The sandbox's account has the Info token and two locations (the first is
// square_location_id). Another account has its own token and location.
// GET /control/square answers Fixtures: the account ids and locations,
// tokens lacking DEVICE_CREDENTIAL_MANAGEMENT or DEVICES_READ, expired and
// revoked tokens, the other account's token, and Settings; POST
// /control/square {"page_size","expiry_lag_seconds"} changes the settings
// given (FixturesOf and Configure from Go). The settings belong to the
// cloud, not a Terminal, because codes belong to an account. Every value
// comes from Square's own random stream (Spec.Salt), so a seed gives the
// same ids, codes, serials and tokens, and adding Square moved no seeded
// value of the clouds before it.
//
// # The Square Terminal
//
// Screens (Terminal.Screen) and what Message says:
//
//	signed_out        "Signed out. Sign in with email and password, or with a device code from your POS."  (start)
//	sign_in_form      "Sign in with device code: type the 6-letter code your POS shows."
//	sign_in_failed    "Login Failed — Incorrect device code. Please check your device code and try again."
//	paired            "Ready for the POS (Terminal API mode). Device ID <serial>."
//	signed_in_other   signed in to Square Point of Sale with email and password (option signed_in_other)
//
// TID is the Terminal's 16-character serial (e.g. 907CS13101300122), which
// is the code's device_id once paired; the nickname is "Square Terminal
// <last 4>". Pairings lists every code it signed in with (pairing_id the
// code id, pairing_nickname its name): active while signed in with it,
// unpaired after.
//
// Actions:
//
//	pairing-code        choose "Sign in with device code": sign_in_form (from signed_out or sign_in_failed)
//	sign-in {"code"}    type a code: paired, or 422 incorrect_device_code and sign_in_failed
//	unpair              Settings → Log out: signed_out
//	expire-code {"code"} the named device code expires now (pair_by = now); 409 if it is not live
//	power {"online"}    switch off or on; the Devices API reports OFFLINE while off
//	needs-attention     the device reports NEEDS_ATTENTION (attention-resolved undoes it)
//
// sign-in works from signed_out, sign_in_form or sign_in_failed (the form
// is optional). It takes an UNPAIRED code of any account before its
// pair_by — a signed-out Terminal belongs to no account, the code decides —
// matched ignoring case and surrounding spaces [INF]. The code becomes
// PAIRED (device_id, paired_at, status_changed_at); the Terminal's device
// is made or updated (device_code_id, account, location) and reports
// AVAILABLE. A wrong, expired or already used code shows the real
// Terminal's "Incorrect device code" and leaves it signed out; the 422's
// message says which it was. Signed in (paired or signed_in_other), the
// Terminal refuses sign-in and pairing-code with 409 "sign out first",
// as the real one must log out before it offers device codes [OBS T57];
// switched off, it refuses sign-in, pairing-code and unpair with 409.
//
// unpair signs out: the code stays PAIRED (a code pairs once; a new
// pairing needs a new code) and the device stays listed, with its last
// device_code_id, reporting OFFLINE once the status lag has passed; on
// the login screen unpair changes nothing. expire-code needs the body's
// code (a Square Terminal shows none of its own; 400 without it), and any
// Square Terminal's route will do. confirm is not a Square action (400):
// there is no confirmation step.
//
// Terminal options: signed_in_other (bool), needs_attention (bool: flagged
// from the start), status_lag_seconds (0-3600, default 0).
package square
