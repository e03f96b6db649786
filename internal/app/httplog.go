package app

import (
	"context"
	"net/http"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/providers/transport"
)

// httpClient is every provider client's HTTP client: the transport's, with
// the runtime's logger, so that --debug records each request (method,
// path, status, duration, error kind; never headers or bodies).
func httpClient(opts Options) *http.Client {
	return transport.WithLogger(transport.NewClient(), opts.Logger.With("component", "http"))
}

// codeRedacting marks the code of every Pair for the HTTP debug log.
// SmartConnect and Helcim send it in the URL path, and the debug log never
// holds a typed code (pairing.Service logs only its length). Marking it
// here covers all three clients at the one place that builds them.
type codeRedacting struct{ providers.Provider }

func (p codeRedacting) Pair(ctx context.Context, req providers.PairRequest) (providers.Pairing, providers.Secret, error) {
	return p.Provider.Pair(transport.RedactInLog(ctx, req.Code), req)
}
