//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !windows

package accessible

import "os"

// echoEndsLine: echo is never off here.
const echoEndsLine = true

// echoOff cannot turn echo off here: the prompt says the secret shows.
func echoOff(*os.File) (restore func(), ok bool) { return func() {}, false }
