package sandbox

import (
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"

	"github.com/google/uuid"
)

// rng makes every id, code and credential. With a seed it is deterministic
// so tests and demos can rely on exact values; without one it is seeded
// from crypto/rand. Callers serialise access (s.mu, or New before sharing).
type rng struct {
	src *rand.ChaCha8
	r   *rand.Rand
}

func newRNG(seed int64) *rng {
	var key [32]byte
	if seed != 0 {
		binary.LittleEndian.PutUint64(key[:], uint64(seed))
	} else {
		_, _ = crand.Read(key[:]) // never fails on supported platforms
	}
	src := rand.NewChaCha8(key)
	return &rng{src: src, r: rand.New(src)}
}

func (g *rng) bytes(n int) []byte {
	b := make([]byte, n)
	_, _ = g.src.Read(b) // ChaCha8.Read never fails
	return b
}

func (g *rng) hex(n int) string    { return hex.EncodeToString(g.bytes(n)) }
func (g *rng) base64(n int) string { return base64.StdEncoding.EncodeToString(g.bytes(n)) }

const alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (g *rng) alnum(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnumChars[g.r.IntN(len(alnumChars))]
	}
	return string(b)
}

// digits returns n decimal digits; leading zeros are kept on purpose, since
// real codes have them and clients must treat codes as strings.
func (g *rng) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

func (g *rng) uuid() string {
	id, err := uuid.NewRandomFromReader(g.src)
	if err != nil { // unreachable: ChaCha8 never runs dry
		panic(err)
	}
	return id.String()
}
