package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tillpair/tillpair/internal/metrics"
	"github.com/tillpair/tillpair/internal/pairing"
)

// metricsOut is status's fleet-health output (docs/fleet-health.md): the
// live checks as Prometheus metrics, printed (--format) or written for a
// textfile collector (--textfile). The model is package metrics; this file
// only parses the flags and hands the results over.
type metricsOut struct {
	format   string
	textfile string
}

func (m *metricsOut) addFlags(fs *pflag.FlagSet) {
	names := make([]string, 0, 2)
	for _, f := range metrics.Formats() {
		names = append(names, string(f))
	}
	fs.StringVar(&m.format, "format", "", "print the live checks as metrics: "+strings.Join(names, " or ")+" (Prometheus text)")
	fs.StringVar(&m.textfile, "textfile", "", "write the live checks as metrics to DIR/"+metrics.TextfileName+" for node_exporter's or windows_exporter's textfile collector")
}

func (m *metricsOut) on() bool { return m.format != "" || m.textfile != "" }

// validate runs before any check: a bad flag or an unwritable directory
// is reported before terminals are asked anything.
func (m *metricsOut) validate(asJSON, noCheck bool) error {
	if !m.on() {
		return nil
	}
	switch {
	case m.format != "" && m.textfile != "":
		return usagef("--format prints the metrics and --textfile writes them to a file: give one of them")
	case asJSON:
		return usagef("--json and --%s are different outputs: give one of them", m.flag())
	case noCheck:
		return usagef("--%s reports live checks: drop --no-check", m.flag())
	}
	if m.format != "" {
		for _, f := range metrics.Formats() {
			if m.format == string(f) {
				return nil
			}
		}
		return usagef("--format %q is not a metrics format: use --format openmetrics (or prometheus, the textfile's format)", m.format)
	}
	return m.checkDir()
}

func (m *metricsOut) flag() string {
	if m.textfile != "" {
		return "textfile"
	}
	return "format"
}

// checkDir proves a file can be made in the textfile directory.
func (m *metricsOut) checkDir() error {
	fi, err := os.Stat(m.textfile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return m.dirError("it does not exist")
	case err != nil:
		return m.dirError(fmt.Sprintf("it cannot be read (%v)", reason(err)))
	case !fi.IsDir():
		return m.dirError("it is not a directory")
	}
	// Named like WriteTextfile's own temp files, which the collectors skip.
	trial, err := os.CreateTemp(m.textfile, metrics.TextfileName+".check-*")
	if err != nil {
		return m.dirError(fmt.Sprintf("nothing can be created in it (%v)", reason(err)))
	}
	_ = trial.Close()
	return os.Remove(trial.Name())
}

func (m *metricsOut) dirError(why string) error {
	return withExit(ExitUsage, &userError{msg: fmt.Sprintf("cannot write metrics to --textfile %s: %s. Give the textfile collector's directory (node_exporter's --collector.textfile.directory), writable by this user; see docs/fleet-health.md.", m.textfile, why)})
}

// write prints or writes this run's metrics. The textfile is written
// whatever the checks found, so alerts see failures too.
func (m *metricsOut) write(e *env, results []pairing.CheckResult) error {
	reg := metrics.Registry(metrics.FromResults(results), metrics.Build{Version: e.build.version(), GoVersion: runtime.Version()})
	if m.format != "" {
		return metrics.Write(e.stdout, reg, metrics.Format(m.format))
	}
	if _, err := metrics.WriteTextfile(m.textfile, reg); err != nil {
		return m.dirError(fmt.Sprintf("writing %s failed (%v)", metrics.TextfileName, reason(err)))
	}
	return nil
}
