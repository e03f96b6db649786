// Package sci is the client for mx51 Simple Cloud Integration pairing.
//
// SCI has two APIs with different authentication (reference §1.1):
//
//   - The SCI Pairing API, on one fixed host for test and live keys, takes
//     "Authorization: ApiKey <key>". tillpair uses only
//     POST /v1/progress-pairing, which turns the code shown on the terminal
//     into a pairing awaiting confirmation (Client.Pair).
//   - The SCI API, at the per-pairing base URL progress-pairing returns,
//     takes RFC 9421 HMAC-SHA256 signatures keyed with Part A + Part B.
//     tillpair uses GET /v1/pairing-info (Client.Check, also the "Test"
//     button) and POST /v1/unpair (Client.Unpair).
//
// # Signing
//
// Sign follows reference §1.5 byte for byte: created in Unix seconds;
// components ("@method" "@authority" "@request-target") plus
// "content-digest" for POST, PUT and PATCH; parameters
// ;created=…;alg="hmac-sha256";keyid="…"; the signature base joined with LF
// and no trailing newline; the key is the text Part A followed by the text
// Part B (not hex-decoded). @authority is host[:port] in lower case without
// the scheme and @request-target is the request URI net/http sends (escaped
// path plus ?query), since both mismatches are documented signature-failure
// causes.
//
// # Decisions where the reference is [OBS] or [INF]
//
//   - The base URL is read from sci_api_base_url, falling back to
//     spi_cloud_api_base_url; a pairing without a base URL, pairing_id,
//     key_id or signing_secret_part_b is a KindProtocol failure. The base URL
//     must be https://, except loopback http:// when the pairing URL itself
//     is loopback http (the sandbox).
//   - Error bodies are read as {"error":{"code","message"}}, then top-level
//     code/message, then the HTTP status text. Known codes decide the Kind
//     whatever the status; unknown codes fall back on the status. Vendor
//     text is stripped of control characters and bounded before it is kept.
//   - pairing-info's 200 body is undocumented: any JSON (or none) means
//     active. 401 no_active_pairings_found returns StatusUnpaired together
//     with a KindNotPaired error; the pairing service reads it as "still
//     waiting" while confirming and "unpaired externally" afterwards.
//   - Unpair sends an empty body; 204 (or any 2xx) and 401
//     no_active_pairings_found both count as success.
//   - 5xx is Retryable for pairing-info and unpair, which are safe to
//     repeat, but not for progress-pairing: the code may already have been
//     consumed, so the merchant should start a new pairing on the terminal
//     rather than resend it.
//   - The pairing code is digits only, 4 to 12 long (docs show 6, treated
//     as a string so leading zeros survive).
//   - Environment is "live" when the API key starts with "live_", else
//     "test": the pairing host is shared and the key decides.
//
// The API key, Part A and Part B never appear in errors, logs or String.
package sci
