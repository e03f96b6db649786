// Package square is the client for Square Terminal pairing through the
// Devices API's device codes (reference providers-next.md §6): the
// code_from_pos model, where the register shows the code and the operator
// signs in with it on the Terminal. Descriptor tells the front-ends about
// it; the simulator it is tested against is internal/sandbox/square.
//
// Every request carries "Authorization: Bearer <access token>"
// (Config.AccessToken; keyring item square/access-token or
// TILLPAIR_SQUARE_ACCESS_TOKEN) and the pinned "Square-Version:
// 2025-08-20", and goes to {base}/v2/devices/…, base
// https://connect.squareup.com (production) or
// https://connect.squareupsandbox.com (square-sandbox) unless
// TILLPAIR_SQUARE_URL overrides it. The location id (setting
// square_location_id, TILLPAIR_SQUARE_LOCATION_ID; optional) pins new
// codes to a location.
//
//   - Pair: POST /v2/devices/codes {"idempotency_key", "device_code":
//     {"name": nickname, "location_id", "product_type": "TERMINAL_API"}};
//     200 with an UNPAIRED code → a Pairing awaiting confirmation whose ID
//     is the code's id, ConfirmationCode the code to SHOW (6–12 upper-case
//     letters or digits, else KindProtocol), ExpiresAt its pair_by. The
//     key is derived from PairRequest.Attempt and the body (random when
//     Attempt is ""); a create whose answer is lost (network, time-out,
//     5xx) is sent once more with the same key and body, so it never
//     mints a second code; IDEMPOTENCY_KEY_REUSED is retried once with a
//     fresh key. An undocumented status with a well-shaped code is shown
//     like UNPAIRED.
//   - Expiry is judged by this machine's clock: ExpiresAt is pair_by,
//     moved by the clock difference when this clock is more than 30 s off
//     Square's (created_at against when the create was first sent; a
//     repeated attempt, which Square answers with its first answer, is
//     measured from the first send), so a wrong system clock neither
//     expires every code at once nor shows a countdown minutes off. Check
//     judges expiry by the pairing's ExpiresAt.
//   - Check while awaiting: GET /v2/devices/codes/{id}. UNPAIRED before
//     pair_by → awaiting; PAIRED → active, Learned carries device_id (the
//     Terminal's serial) as TID and Serial, and the location; EXPIRED, or
//     UNPAIRED from pair_by on (the client does not wait for Square to
//     flip it) → StatusUnpaired, KindCodeUsed code_expired; UNKNOWN → the
//     same, code_state_unknown; 404 → StatusUnpaired, KindNotFound. Any
//     other status is StatusUnknown with no error.
//   - Check once active: GET /v2/devices/device%3A{serial} → Health:
//     AVAILABLE online, NEEDS_ATTENTION online and said so, OFFLINE not
//     online (also after Log out on the Terminal: the pairing stays
//     active), battery, model, updated_at. A device whose
//     application_details.device_code_id names another code → the
//     Terminal signed in elsewhere: StatusUnpaired, KindNotPaired
//     signed_in_other. A device Square does not list yet (404; its data
//     lags) falls back to the code.
//   - Unpair: there is no API [DOC S50; OBS T53]. KindUnpairOnTerminal:
//     sign out on the Terminal (Descriptor.Steps.Unpair), forget it here.
//     A code awaiting sign-in cannot be withdrawn; it lapses at pair_by.
//
// # Errors
//
// Bodies are {"errors":[{category, code, detail, field}]}; they decode
// into Errors, which the *providers.Error wraps, and Error.Code is the
// first error's code (Square's code for the status when the body has
// none). The mapping branches on the code, never on detail:
//
//	UNAUTHORIZED, ACCESS_TOKEN_EXPIRED/REVOKED, CLIENT_DISABLED, 401 → KindCredentials
//	FORBIDDEN, INSUFFICIENT_SCOPES, APPLICATION_DISABLED, 403       → KindCredentials
//	IDEMPOTENCY_KEY_REUSED                                          → KindProtocol, retryable
//	INVALID_SQUARE_VERSION_FORMAT                                   → KindProtocol
//	RATE_LIMITED, 429 (Retry-After in the message)                  → KindRateLimited, retryable
//	NOT_FOUND, 404 on create (the route: a wrong base URL)          → KindConfig
//	NOT_FOUND, 404 elsewhere                                        → KindNotFound (see Check)
//	5xx, API_ERROR                                                  → KindServer, retryable
//	400 on create about device_code.location_id                     → KindConfig bad_location
//	400 on create about device_code.name                            → KindInvalidInput
//	other 4xx                                                       → KindProtocol BAD_REQUEST
//
// All HTTP goes through providers/transport. Cloud text is cleaned by
// transport.CleanText and bounded; ids, serials and the code pass shape
// checks (transport.CheckShape) before they are shown, stored or used in a
// path; enums (status, product_type, category) decode leniently. The
// access token never appears in an error or a log line.
package square
