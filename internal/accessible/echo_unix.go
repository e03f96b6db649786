//go:build linux || darwin || freebsd || netbsd || openbsd

package accessible

import (
	"os"

	"golang.org/x/sys/unix"
)

// echoEndsLine: Enter still ends the line on screen (ECHONL).
const echoEndsLine = true

// echoOff turns the terminal's echo off, keeping line editing, so a
// secret is typed unseen while lines are still read whole; restore puts it
// back. ok is false when f is not a terminal.
func echoOff(f *os.File) (restore func(), ok bool) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return func() {}, false
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ECHONL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		return func() {}, false
	}
	return func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, old) }, true
}
