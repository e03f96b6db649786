// Package sumup simulates the SumUp Cloud API for Solo readers for the
// sandbox (reference providers-next.md §5), under /sumup: the six reader
// routes of the spec, at /sumup/v0.1/merchants/{merchant_code}/readers
// (POST create 201, GET list), …/readers/{reader_id} (GET, PATCH, DELETE)
// and …/readers/{reader_id}/status. It implements sandbox.Cloud; Info gets
// sumup_url (the base the client adds /v0.1/merchants/… to) and the
// credentials sumup_api_key and sumup_merchant_code. The merchant code is
// configuration, not a secret (a Public credential): the request log keeps
// it in paths and redacts only the keys.
//
// # Account and auth
//
// One merchant account: the Info key is bound to the Info merchant code.
// A second key on it has read scope only (ReadOnlyAPIKey; also GET
// /control/sumup → {"legacy_status_errors","read_only_api_key"}): list,
// get and status accept it, create, update and delete answer it 403. Every
// route checks, in order: one Authorization header and a User-Agent (400
// with fields otherwise), "Bearer <key>" with a known key (401; the scheme
// is case-insensitive), the merchant code in the path (another one is 404,
// as if nothing were there), then the key's scope (403).
//
// # Errors
//
// Errors are RFC 9457 problems, Content-Type application/problem+json,
// members in alphabetical order as in the one live body on record, each
// with a trace_id of 32 lower-case hex digits:
//
//	{"detail":"…","status":404,"title":"…","trace_id":"…","type":"https://developer.sumup.com/problem/not-found"}
//
// type, title and detail are the spec's examples for 400, 401, 403, 404,
// 409 and 429; the status route uses its own examples for 400 and 401
// (detail "Bad Request", "Unauthorized"). A body that breaks the schema is
// the live shape: detail "request validation failed" and fields[] (name is
// a JSON pointer, "" for the body itself), e.g. {"name":"","message":
// "missing property 'name'"}. A body that is not JSON at all is the spec's
// example with no fields (detail "Request validation failed."). Success is
// application/json; DELETE's empty 200 has no Content-Type.
//
// The status route also lists the legacy {"errors":{…}} shape. POST
// /control/sumup {"legacy_status_errors":true} (or SetLegacyStatusErrors)
// switches its 400, 401 and 404 — injected ones too — to that shape,
// Content-Type application/json: 401 {"errors":{"detail":"Unauthorized"}}
// without a key, with "type":"INVALID_ACCESS_TOKEN" for an unknown one;
// 400 {"errors":{"detail":"Bad request","type":"INVALID_BEARER_TOKEN"}}
// for an Authorization that is not a Bearer key (INVALID_USER_AGENT,
// DUPLICATE_HEADERS for the header checks); 404 {"errors":{"detail":"Not
// Found"}}. Other routes and statuses keep problem+json.
//
// # The simulated Solo (terminal side)
//
// A Solo has a serial in the spec example's shape (U1DT3NA00-CN), which is
// its TID and the readers' device.identifier; its nickname is "SumUp Solo"
// ("Virtual Solo" for model virtual-solo). Screens (T's screen):
//
//	logged_in      a merchant is logged in (option logged_in); log-out leaves it
//	idle           logged out; message says what happened last (disconnected, …)
//	pairing_code   Connections > API > Connect: the code and its expiry
//	confirm        a POST claimed the code: the reader is processing
//	paired         connected to the API (also after DELETE, until Disconnect)
//	code_expired   the code, or the pairing it started, ran out of time
//
// Actions: pairing-code is Connect: a fresh code of 8 (option code_length:
// 9) characters from [A-Z0-9], never shown before, for a pairing window of
// 5 minutes (Options.PairingCodeTTL overrides it); refused (409) while
// logged in or connected; a pairing under way is abandoned (its code void,
// a processing reader expired). confirm is the Solo acknowledging: the
// processing reader becomes paired (409 with none, while switched off, or
// with never_confirm). unpair is Connections > API > Disconnect: on a
// connected Solo its paired reader becomes what option disconnect says
// (below) and the Solo goes idle; during a pairing it is leaving the API
// screen (the code is void, a processing reader expires). expire-code
// ends the window now: a code on screen expires (POST: 404), a processing
// reader becomes expired. power off: the Solo cannot acknowledge
// (confirm 409, confirm_delay paused and restarted on power on) and the
// status route says OFFLINE, last_activity staying at the moment it went
// off. log-out is the Solo's own action. sign-in is not a SumUp action.
//
// The reader's life: POST with a live code → 201 processing → paired (at
// confirm, or confirm_delay after the POST) | expired (the window, which
// started when the code appeared, ends first). Expiry and confirm_delay are
// derived from the clock on every look; the Solo's timer only wakes
// subscribers. A code stays tied to its reader: POST with it again is 409
// while that reader is processing or paired, 404 once it expired or was
// deleted; an unknown, expired or replaced code is 404. Codes match
// exactly (upper case): a client must upper-case what the merchant types.
// service_account_id (a uuid) appears once paired. PATCH replaces name
// and/or the whole metadata and bumps updated_at. DELETE makes the id 404;
// the Solo still shows paired (message: Disconnect to finish) until unpair,
// and DELETE of a processing reader ends the pairing on the Solo.
//
// The status route answers for every reader that exists: ONLINE, with
// last_activity now, while the Solo is on and still reaches the cloud
// through that reader (processing or paired, not disconnected); else
// OFFLINE with the last state and last_activity when it was last heard.
// state is IDLE, battery_level a float (option battery_level, default
// 82.5), battery_temperature 31, connection_type Wi-Fi (option
// connection_type), firmware_version 3.3.39.0.
//
// Options (POST /control/terminals {"provider":"sumup", …}): confirm_delay
// (a Go duration, default "0s" = off), never_confirm, disconnect
// ("expired" default, "unknown", "paired", "deleted"), logged_in,
// code_length (8 or 9), model ("solo", "virtual-solo"), battery_level,
// connection_type.
//
// # Choices where the reference is silent or [INF]
//
//   - confirm_delay defaults to off: the real Solo confirms by itself
//     after a moment [DOC S43], but tests and the TUI pick the moment with
//     confirm (POST /control/terminals/{id}/confirm), so nothing depends on
//     how fast a machine is; "confirm_delay":"2s" is the faithful Solo.
//   - The 5-minute window runs from the code appearing and covers the
//     acknowledgement too: a reader still processing when it ends is
//     expired, updated_at the window's end.
//   - Disconnect makes the paired reader expired by default ("The
//     resource needs to get recreated"), the status that tells a client
//     to pair again; the option picks unknown, paired (the cloud does not
//     notice) or deleted (404) instead, the other readings of §5.10.
//   - A merchant code not bound to the key is 404 (reference §5.11); so is
//     a reader id of any shape that is not one of the account's.
//   - Create and update accept members the schema does not name, as its
//     schema does; validation messages follow a JSON Schema validator's
//     wording, matching the one live message.
//   - The read-only key gets 403 on create and delete as well as update
//     (the spec lists 403 on update only).
//   - A request without a User-Agent, or with two Authorization headers,
//     is 400: the legacy error types INVALID_USER_AGENT and
//     DUPLICATE_HEADERS say such requests are refused.
//   - Reader ids are rdr_ and 26 Crockford base32 characters, a subset of
//     [0-9A-Z] the spec's example fits; keys look like sup_sk_… (one of the
//     documented forms; clients must not rely on it).
//   - GET ignores If-Modified-Since, as a header or (sumup-go) a query
//     parameter, and always answers 200; unknown query parameters are
//     ignored. A known path with another method is 405 with Allow.
//   - A request is acted on when it is served: a delay fault that outlasts
//     the window finds the code expired.
//
// Fault routes: create, get, list, update, delete, status. An injected
// status answers a problem (the spec's detail where it has one, else the
// fault's message); 429 carries Retry-After: 2.
//
// Random values come from SumUp's own streams (credentials, ids and
// codes, trace ids), so adding SumUp shifted no seeded value of the clouds
// before it, and an error answered shifts no reader id.
package sumup
