// Package sumup is the client for the SumUp Cloud API for Solo readers
// (reference providers-next.md §5). Descriptor tells the front-ends about
// it; the simulator it is tested against is internal/sandbox/sumup.
//
// Every request carries "Authorization: Bearer <API key>" (Config.APIKey;
// keyring item sumup/api-key or TILLPAIR_SUMUP_API_KEY) and goes to
// {base}/v0.1/merchants/{merchant_code}/readers… (Config.MerchantCode;
// TILLPAIR_SUMUP_MERCHANT_CODE), base https://api.sumup.com unless
// TILLPAIR_SUMUP_URL overrides it.
//
//   - Pair: POST …/readers {"pairing_code","name"}; 201 with a reader in
//     status processing → a Pairing awaiting confirmation whose ID is the
//     reader id, Serial (and TID) device.identifier, Model device.model.
//     The name is the pairing nickname (DefaultReaderName when empty). The
//     code is trimmed, stripped of spaces and dashes and upper-cased; SumUp
//     enforces its 8–9 characters itself.
//   - Check: GET …/readers/{id}. processing → awaiting confirmation;
//     paired → active, and GET …/readers/{id}/status fills Health (ONLINE/
//     OFFLINE, state, battery, last activity, connection and firmware in
//     Detail; a failing status route leaves the pairing active, since it
//     needs firmware 3.3.39.0); expired or unknown → StatusUnpaired with
//     KindCodeUsed while awaiting (the window ran out: a new code is
//     needed) or KindNotPaired once active (disconnected on the Solo); 404
//     → StatusUnpaired, KindNotFound while awaiting, KindNotPaired once
//     active. An undocumented status is StatusUnknown with no error.
//   - Unpair: DELETE …/readers/{id}, 200 with an empty body; 404 means
//     already gone, which is success. The merchant must still press
//     Disconnect on the Solo (Descriptor.Steps.Unpair).
//   - List: GET …/readers (no pagination) as pairings, for a fleet view.
//
// # Errors
//
// Bodies are RFC 9457 problems (type, title, detail; live ones add
// fields[] and trace_id) or, on the status route, the legacy
// {"errors":{"detail","type"}}; both decode into a *Problem that the
// *providers.Error wraps, so the trace id survives for SumUp support (it
// is also at the end of Message). Kinds, with tillpair's own Codes:
//
//	401, legacy INVALID_*_TOKEN → KindCredentials            unauthorized
//	403                         → KindCredentials            forbidden
//	404 and the merchant code
//	    is not the key's         → KindCredentials            merchant_not_found
//	400 on create, fields about
//	    pairing_code or none     → KindInvalidCode            invalid_request
//	400 on create, other fields  → KindInvalidInput           invalid_request
//	400 elsewhere                → KindProtocol               invalid_request
//	404 on create                → KindNotFound               no_pending_reader
//	404 on a stored reader       → see Check and Unpair       reader_not_found
//	409 on create                → KindCodeUsed               reader_not_pending
//	429                          → KindRateLimited, retryable rate_limited
//	5xx                          → KindServer, retryable except create
//
// SumUp answers 404 alike for a merchant code the key does not own, so
// every 404 is followed by one list call: if the list is 404 too, the
// error is merchant_not_found. The 429 message carries Retry-After.
//
// # Choices where the reference is silent or [INF]
//
//   - The merchant code is upper-cased and must be 1–32 letters and
//     digits (it is a path segment; every documented one is upper case).
//   - Reader ids must be letters, digits, _ and - up to 64 (SumUp: rdr_ and
//     26 upper-case alphanumerics), and serials visible ASCII up to 64;
//     a serial of another shape is dropped, not shown.
//   - Enum values (status, model, device state) decode leniently: cleaned,
//     bounded, kept as text.
//   - Only 201 is a created reader, as in SumUp's SDK; other 2xx are
//     KindProtocol. DELETE accepts any 2xx with an empty or JSON body.
//   - Create is never retried: it has no idempotency key. When its answer
//     is lost (network failure or time-out), the reader list is read and
//     exactly one processing reader under the same name is taken as the
//     one just made [reference §5.9]; otherwise the failure stands.
//   - No sandbox/live badge from the key prefix (the sources disagree on
//     it): a pairing's environment is "sandbox" on loopback, else "live".
//
// All HTTP goes through providers/transport (https only but for loopback,
// a deadline per request, bodies through a size cap, debug request lines
// without headers or bodies). Cloud text is cleaned by transport.CleanText
// and bounded; the API key never appears in an error or a log line.
package sumup
