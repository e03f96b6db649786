package cli

import (
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/internal/certify/demo"
)

func newDemoCmd(e *env) *cobra.Command {
	var (
		provider string
		pace     time.Duration
		loop     bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Play the certification scenarios on the real TUI against the built-in sandbox",
		Long: `demo plays each certification scenario in turn on the real pairing screens,
against the in-process sandbox, with a caption bar naming the requirement on
show. Nothing is stored and no network beyond loopback is used.

Keys: space pauses and resumes, ← and → step back and forward, q quits.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Flags first: a mistyped flag is the problem to report even
			// where the screens could not run anyway.
			if _, err := demo.ScriptFor(provider); err != nil {
				return usageError{err}
			}
			if pace <= 0 {
				return usagef("--pace %s must be positive, e.g. --pace 2.5s", pace)
			}
			return runDemo(e, provider, pace, loop)
		},
	}
	cmd.Flags().StringVar(&provider, "provider", leadProvider().ID, "provider whose scenarios to play: "+demo.ProviderList("or"))
	cmd.Flags().DurationVar(&pace, "pace", demo.DefaultPace, "how long each step stays on screen")
	cmd.Flags().BoolVar(&loop, "loop", false, "start again after the last scenario (trade-show booths)")
	return cmd
}

func runDemo(e *env, provider string, pace time.Duration, loop bool) error {
	if notATerminal(e.stdin) {
		return errNoTerminal("the demo's screens", "run tillpair demo in a terminal, or write the same scenarios as an evidence pack with tillpair evidence --out DIR")
	}
	p, err := demo.New(demo.Options{Provider: provider, Pace: pace, Loop: loop, Context: e.ctx})
	if err != nil {
		return usageError{err}
	}
	// Ask for the background before Bubble Tea owns stdin (tui-notes P10).
	_ = lipgloss.HasDarkBackground()
	prog := tea.NewProgram(p, tea.WithAltScreen(), tea.WithContext(e.ctx),
		tea.WithInput(e.stdin), tea.WithOutput(e.stdout))
	if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	return p.Err()
}
