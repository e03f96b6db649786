// Package linkly is the client for Linkly Cloud (Australia; reference
// providers-next.md §7). Descriptor tells the front-ends about it; the
// simulator it is tested against is internal/sandbox/linkly.
//
// Two hosts, both configurable: the Auth API (Config.AuthURL;
// TILLPAIR_LINKLY_AUTH_URL; default https://auth.cloud.pceftpos.com) and
// the POS API (Config.POSURL; TILLPAIR_LINKLY_POS_URL; default
// https://rest.pos.cloud.pceftpos.com). Environment "test" is Linkly's own
// sandbox (auth.sandbox.cloud.pceftpos.com, rest.pos.sandbox.…).
//
//   - Pair: POST {auth}/v1/pairing/cloudpos {"username","password",
//     "pairCode"}. The username and password are PairRequest.Inputs
//     (InputUsername, InputPassword): typed at every pairing (the password
//     without echo, or TILLPAIR_LINKLY_PASSWORD), used for this request,
//     never stored, logged or put in an error. 200 {"secret"} → a Pairing
//     (ID made here, a UUID; Register.RegisterID the posId it was made
//     with) and the secret, which the caller stores in the keyring as
//     Descriptor.PairingSecret (linkly/<pairing_id>/secret). A first token
//     is bought at once, best effort (the pairing's Health detail).
//   - Tokens: POST {auth}/v1/tokens/cloudpos {"secret","posName",
//     "posVersion","posId","posVendorId"} → {"token","expirySeconds"}.
//     posId is this register's version 4 UUID (Config.PosID, or the
//     register identity's id; made once per register and kept), posVendorId
//     tillpair's fixed PosVendorID. Tokens live in memory only, keyed by
//     the secret's SHA-256, and are renewed when less than 5 minutes
//     remain (at half their life when they live 5 minutes or less).
//   - Check (the Test): a token, then POST {pos}/v2/sessions/{id}/status
//     (id: a fresh UUID, 32 hex digits) and GET {pos}/v2/sessions/{id}/
//     result?all=false (the hyphenated id) until the PIN pad's status
//     event arrives: 425 "too early" means poll again, at most once per
//     PollInterval (1 s) and for StatusTimeout (30 s), both on the clock.
//     A POS API 401 drops the token and retries once with a new one.
//   - Unpair: Linkly has none. Unpair forgets the cached token and answers
//     KindUnpairOnTerminal; the caller deletes the secret, and the PIN pad
//     is unpaired on the pad (Descriptor.Steps.Unpair).
//
// # Errors
//
// Linkly sends no error schema: 400 and 401 often have no body, sometimes
// short text. Kinds are by call and status alone; the cleaned body
// (transport.CleanText, at most 200 characters) is kept only in the
// *Reply the error wraps, which the wording shows as its detail line:
//
//	pair 400 or 401              → KindInvalidCode   pairing_refused (one message for
//	                               username, password, wrong or expired code)
//	pair 200 without a secret    → KindProtocol      no_secret
//	token 401 (or POS 401 twice) → KindNotPaired     pairing_lost: pair the PIN pad again
//	token 400                    → KindConfig        identity_rejected
//	no or bad posId (local)      → KindConfig        no_pos_id
//	status event responseCode BY → KindNotListening  pinpad_busy (pairing active)
//	status event success false   → KindNotListening  status_failed (responseText shown)
//	no status event in 30 s      → KindNotListening  pinpad_not_responding (active, offline)
//	429                          → KindRateLimited
//	5xx                          → KindServer; never retried by itself on pair
//
// # Choices where the reference is silent or [INF]
//
//   - The pair code is opaque: trimmed, no spaces, at most 32 characters.
//   - A missing expirySeconds is taken as 300 s [OBS T60]; a secret or
//     token must be visible ASCII of at most 8192 characters.
//   - Status event texts are cleaned and trimmed (Linkly right-pads
//     them); catId (the TID) and pinPadSerialNumber must be letters and
//     digits, else they are dropped. Both are reported as Learned.
//   - A token failure right after pairing does not undo the pairing
//     (Linkly has already revoked the pad's older secrets by then).
//
// All HTTP goes through providers/transport (https only but for loopback,
// a deadline per request, bodies through a size cap, debug request lines
// without headers or bodies).
package linkly
