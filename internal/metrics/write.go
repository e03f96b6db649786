package metrics

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// Format is an exposition format status can print.
type Format string

const (
	// OpenMetrics is the OpenMetrics 1.0 text format (ends with # EOF).
	OpenMetrics Format = "openmetrics"
	// Prometheus is the Prometheus text format 0.0.4: what the textfile
	// collectors read, byte for byte what --textfile writes.
	Prometheus Format = "prometheus"
)

// Formats lists the formats, for flag help and validation.
func Formats() []Format { return []Format{OpenMetrics, Prometheus} }

// TextfileName is the file WriteTextfile writes: the textfile collectors
// read every *.prom file in their directory.
const TextfileName = "tillpair.prom"

// Write encodes what g gathers to w in format f.
func Write(w io.Writer, g prometheus.Gatherer, f Format) error {
	var enc expfmt.Encoder
	switch f {
	case OpenMetrics:
		enc = expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeOpenMetrics))
	case Prometheus:
		enc = expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	default:
		return fmt.Errorf("unknown metrics format %q", f)
	}
	mfs, err := g.Gather()
	if err != nil {
		return err
	}
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	if c, ok := enc.(expfmt.Closer); ok {
		return c.Close() // OpenMetrics' # EOF
	}
	return nil
}

// WriteTextfile replaces dir/tillpair.prom with what g gathers, in the
// Prometheus text format, and returns its path. The collectors read the
// directory at any moment, so the file is written whole under a temporary
// name in dir (not *.prom, so never read) and renamed over the old one
// (client_golang's WriteToTextfile), mode 0644 for the exporter's user.
func WriteTextfile(dir string, g prometheus.Gatherer) (string, error) {
	path := filepath.Join(dir, TextfileName)
	return path, prometheus.WriteToTextfile(path, g)
}
