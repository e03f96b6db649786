package widgets

import (
	"strconv"
	"strings"
)

// Key spells out everything Render draws from besides the styles and the
// size, so a caller can reuse the last rendering while it is unchanged. The
// clock enters only through the countdown text, which changes once a
// second.
func (p TerminalPane) Key() string {
	v := p.View
	var b strings.Builder
	b.Grow(128 + 48*len(v.Pairings))
	for _, s := range []string{v.ID, v.Provider, v.TID, v.Nickname, v.Screen, v.PairingCode,
		v.ConfirmationCode, v.Message, p.countdown()} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	b.WriteString(strconv.Itoa(int(v.Kind)))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(len(v.Pairings)))
	for _, pr := range v.Pairings {
		b.WriteByte(1)
		b.WriteString(pr.ID)
		b.WriteByte(0)
		b.WriteString(pr.Nickname)
		b.WriteByte(0)
		b.WriteString(pr.Status)
	}
	b.WriteByte(2)
	for _, k := range p.Keys {
		b.WriteString(k)
		b.WriteByte(0)
	}
	return b.String()
}
