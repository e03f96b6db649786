// Package smartconnect simulates Smartpay SmartConnect's POS API for the
// sandbox (reference §2), under /smartconnect/POS: PUT /Pairing/{code},
// POST /Transaction, GET /Transaction/{id}. It implements sandbox.Cloud;
// Info gets smartconnect_url. There are no credentials: the register
// triple (POSRegisterID, POSBusinessName, POSVendorName) identifies the
// caller. Every error is {"error":"<message>"}.
//
// # Pairing
//
// pairing-code shows an 8-digit code [OBS T13] for Options.PairingCodeTTL
// (default 2 minutes). While the pairing is not finalised the code
// refreshes: at expiry the terminal shows a new one and the old one is dead
// (Changes notified; the refresh is derived from the clock whenever the
// terminal is looked at or a code is sent, the timer only wakes
// subscribers). expire-code makes the code on screen run out now: the
// terminal shows a new one at once, as at the end of its TTL ({"code"}, if
// sent, must be the one on screen; no code on screen is 409).
//
// PUT /Pairing/{code} needs Content-Type application/x-www-form-urlencoded
// (else 400) and all four of POSRegisterID, POSRegisterName,
// POSBusinessName, POSVendorName (else 400 "<Field> is required", checked
// in that order; blank counts as missing); an unknown, refreshed-away or
// used code is 400 "Invalid pairing code" (expired and unknown are not told
// apart). Success is 200 {"result":"success"}: the terminal stops showing
// the code, shows paired, and lists the register as a pairing (PairingID =
// register ID, PairingNickname = register name). One register is paired to
// one terminal: pairing it elsewhere removes it from the old terminal. One
// terminal serves many registers; re-pairing on the same terminal updates
// the stored name and triple. confirm has nothing to confirm (409):
// SmartConnect has no confirmation step. unpair removes every register
// from the terminal and ends a code on screen. sign-in is not a
// SmartConnect action (400).
//
// # Terminal.GetStatus
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
// when the terminal is switched off (power {"online":false}, or the older
// offline route) at that poll, {"Result":"FAILED-INTERFACE",
// "TransactionResult":"CANCELLED","ResultText":"Device offline"} (the real
// shape for an offline device is only partly observed). Pairing is
// cloud-side and works whether the terminal is on or off. A poll less than
// 2 s after the previous accepted poll is 429 (always enforced: tests move
// the fake clock as a well-behaved POS waits); 15 min after the POST the
// token has expired (401 "Token expired"); a wrong token is 401 and an
// unknown id 404.
//
// Fault routes are pairing, transaction and poll; an injected status
// answers the {"error"} envelope.
package smartconnect
