package cli

import "errors"

// runTUI is replaced by the TUI wiring (issue 4).
func runTUI(e *env) error { return errors.New("the TUI is not built yet") }
