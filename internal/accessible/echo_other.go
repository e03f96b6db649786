//go:build !linux

package accessible

import "os"

// echoOff cannot turn echo off here: the prompt says the secret shows.
func echoOff(*os.File) (restore func(), ok bool) { return func() {}, false }
