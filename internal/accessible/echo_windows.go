package accessible

import (
	"os"

	"golang.org/x/sys/windows"
)

// echoEndsLine: Windows' console has no ECHONL: the hidden Enter is not shown.
const echoEndsLine = false

// echoOff turns the console's echo off, keeping line input, so a secret
// is typed unseen while lines are still read whole (as x/term's
// ReadPassword does, without taking the line reader's place); restore puts
// it back. ok is false when f is not a console.
func echoOff(f *os.File) (restore func(), ok bool) {
	h := windows.Handle(f.Fd())
	var old uint32
	if err := windows.GetConsoleMode(h, &old); err != nil {
		return func() {}, false
	}
	quiet := old&^windows.ENABLE_ECHO_INPUT | windows.ENABLE_LINE_INPUT | windows.ENABLE_PROCESSED_INPUT
	if err := windows.SetConsoleMode(h, quiet); err != nil {
		return func() {}, false
	}
	return func() { _ = windows.SetConsoleMode(h, old) }, true
}
