// Package sandbox is the core of the simulator of the payment clouds and
// their terminals: it serves them over real HTTP on loopback, so tillpair
// runs, demos and tests with no hardware and no vendor credentials.
//
// # Architecture
//
// The core holds what every simulated cloud shares: one listener on
// 127.0.0.1 and its mux, the registry of virtual terminals (Term), the
// clock (clockwork, so tests drive expiry and signature windows with a
// fake one), the seeded random source (RNG), fault injection and request
// counts per route (Fault), the redacted request log (Entry), change
// notifications (Changes), the JSON control API under /control and Info.
// One mutex guards all state, the clouds' included.
//
// Each cloud is a sub-package implementing Cloud: internal/sandbox/sci,
// internal/sandbox/smartconnect, internal/sandbox/helcim. Its Spec says
// what the core needs to know about it — its provider id and name, the
// path prefixes its http.Handler serves, its Info URL and credential keys,
// its fault routes, the terminal options it accepts and the terminal-side
// actions it supports — and the core does the rest: it mounts the handler,
// generates the credentials, puts them in Info and redacts them from the
// log, validates faults and options, and serves each action at POST
// /control/terminals/{id}/{action}. Package clouds lists the clouds;
// clouds.New(opts) is the full sandbox. The core imports no cloud.
//
// # Why it never imports the clients
//
// The sandbox is a second, independent implementation of each wire
// protocol, written from the reference (providers.md, providers-next.md),
// not from the client code. Neither the core nor any cloud sub-package
// imports a client (providers/sci, providers/smartconnect,
// providers/helcim, …) or providers/transport — only the provider ids and
// statuses of package providers — so a client bug cannot hide behind code
// both sides share.
//
// # Adding a simulated cloud
//
//  1. Make internal/sandbox/<cloud> with a New() returning a fresh
//     *Cloud, one per sandbox (it holds that sandbox's state).
//  2. Spec: ID (the provider id), Name, Prefixes (e.g. "/sumup"), URLs
//     ({Key: "sumup_url", Prefix: "/sumup"}), Credentials (each with a
//     Generate drawing from the RNG), Routes (the fault routes), Options
//     (terminal options besides provider, e.g. a knob; OptionForeignTenant
//     for "belongs to another account"), Actions (the standard ones it
//     supports, Power usually as is, and its own) and any Control routes.
//     Info keys are lower snake case: key k is the client's environment
//     variable providers.EnvName(k) (sumup_api_key ↔
//     TILLPAIR_SUMUP_API_KEY), which the provider's descriptor names. A
//     credential that is configuration, not a secret, is Public (the log
//     keeps it). A cloud added after the first three sets Spec.Salt, so its
//     credentials do not shift the seeded values of the clouds before it.
//  3. Setup(h) keeps the Host and returns the handler, wrapping every
//     route's handler with h.Route(route, …) so faults and counts work.
//     Handlers take h.Lock() around the state they touch; read secrets
//     with h.Credential, the clock with h.Clock(), the sandbox's origin
//     (for URLs handed out) with h.Origin(r).
//  4. NewTerminal sets TID, Nickname, the first screen and Term.State (the
//     cloud's own per-terminal state). Actions and Refresh change Term's
//     screen fields; Refresh derives anything that changes with time from
//     the clock (PairingCode and ExpireShown help with codes that expire),
//     and h.SetTimerLocked makes a change appear to subscribers on time.
//     Return ErrNothingToConfirm, ErrNoCode, ErrIncorrectDeviceCode,
//     ErrWrongState (switched off, or signed in where the action needs
//     it signed out) or ErrInvalidTerminalOptions (wrapped, with the next
//     step in the message) where they apply.
//  5. WriteFault answers an injected status in the cloud's error envelope.
//  6. Add one line to clouds.All (at the end, so the seeded values of the
//     clouds before it do not change), and put the cloud's tests in its
//     package, using sandboxtest with that cloud alone.
//
// New draws every cloud's credentials first, then calls each Setup, then
// adds one start-up terminal per cloud, all in clouds.All order. A new
// cloud sets Spec.Salt, so its credentials come from a stream of its own
// (continued by h.OwnRNG) and adding it shifts no seeded value of the
// clouds before it. A credential that is not a secret (an account's
// location id) is marked Public, so the request log shows it.
//
// # Control API and faults
//
// Under /control: GET /terminals → {"terminals":[T]}; POST /terminals
// {"provider", …options} (201); GET /terminals/{id}; the terminal actions,
// each POST /terminals/{id}/{action} answering T:
//
//	pairing-code   start pairing: the terminal shows a code        no body
//	confirm        the merchant confirms (409 nothing to confirm)  no body
//	unpair         unpair / sign out / disconnect on the terminal  no body
//	expire-code    the code expires now (409 when there is none)   {"code"} optional: names the code
//	sign-in        type a POS-shown code on the terminal           {"code"}; 422 {"error":"incorrect_device_code","message"}
//	power          switch the terminal off or on (T's "online")    {"online":bool}
//	offline/online the same as power false/true                    no body
//
// plus any cloud's own (Helcim's sleep and wake) and control routes (GET
// /helcim); POST /faults and DELETE /faults. An action the terminal
// cannot do in its state (switched off; signed in where it must be
// signed out) is 409. An action the terminal's
// cloud lacks is 400 "<action> is not supported by this provider", naming
// the terminal, its provider, the actions it has and the clouds that have
// this one. Routes without a JSON body take none: a body other than {} is
// 400. A known path with another method is 405 with Allow; an unknown path
// is 404 listing the routes. Errors are {"error":"…"} naming the problem
// and the next step. T is Terminal; its "online" is false while the
// terminal is switched off, and what that does is each cloud's choice (see
// its package doc). Switching off never changes the screen.
//
// POST /terminals takes provider, live, foreign_tenant and any option a
// cloud declares (in TerminalOptions.Settings); an option the provider's
// cloud does not take is 400 naming the clouds that do.
//
// A Fault targets one cloud route (Spec.Routes) for Count requests (0:
// until cleared): delay_ms, status (answered by the cloud's WriteFault),
// reset (the connection is closed with no response) or malformed (200
// with truncated JSON). delay_ms is a slow cloud: the request waits before
// it is acted on (a client that gives up ends the wait, and nothing
// happens), but it is judged as it arrived (Host.ArrivedAt), so a signed
// SCI request's created window is checked against its arrival time, not
// the end of the delay. A delay fault reads the request body first so that
// a client hanging up ends the delay. RequestCount counts every request
// that reached a route, faulted or not.
//
// The Info credentials are sandbox values generated at New (deterministic
// when Options.Seed is non-zero), or planted by Options.Credentials (the
// reliability suite's canaries); they grant nothing outside the sandbox,
// which is why tillpair sandbox prints them.
package sandbox
