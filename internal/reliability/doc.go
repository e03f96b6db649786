// Package reliability holds tillpair's reliability and security suite: it
// proves behaviour under faults, bad input and load rather than describing
// it. It has no production code; everything is in its _test.go files and
// runs with `go test ./reliability/` (part of `make test`) or `make
// reliability`, which also prints the fault matrix published in
// docs/RELIABILITY.md.
//
// The suites:
//
//   - matrix_test.go: every provider × operation × fault through the
//     sandbox's fault API and a loopback fault front (front_test.go) for
//     the faults the sandbox does not inject itself (truncated, oversized
//     and HTML bodies, an untrusted TLS certificate, a redirect to plain
//     http). Each cell checks the error Kind, the words the TUI shows, no
//     panic, the records file and keyring, and the sandbox's pairings.
//   - canary_test.go: canary credentials through the CLI (--debug
//     --log-file) and the TUI (teatest); every output, log, record, golden
//     and error text is scanned for them.
//   - fuzz_test.go: the nickname validator and the sandbox's request
//     parsers (the other decoders have fuzz targets in their own packages).
//   - crash_test.go: several processes pairing and unpairing on one config
//     dir, the keyring vanishing mid-flow, a read-only and a full config dir.
//   - transport_test.go: https enforcement, base-URL validation, redirect
//     downgrade, size caps, deadlines, redaction.
//   - load_test.go: many concurrent pairing flows with a goroutine-leak
//     check and a bound on heap growth across rounds.
package reliability
