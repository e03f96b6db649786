package sandbox

import (
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"

	"github.com/google/uuid"
)

// RNG makes every id, code and credential. With a seed it is deterministic
// so tests and demos can rely on exact values; without one it is seeded
// from crypto/rand. Callers serialise access (the sandbox lock, or New
// before sharing).
type RNG struct {
	src *rand.ChaCha8
	r   *rand.Rand
}

func newRNG(seed int64) *RNG {
	var key [32]byte
	if seed != 0 {
		binary.LittleEndian.PutUint64(key[:], uint64(seed))
	} else {
		_, _ = crand.Read(key[:]) // never fails on supported platforms
	}
	src := rand.NewChaCha8(key)
	return &RNG{src: src, r: rand.New(src)}
}

// Bytes returns n random bytes.
func (g *RNG) Bytes(n int) []byte {
	b := make([]byte, n)
	_, _ = g.src.Read(b) // ChaCha8.Read never fails
	return b
}

// Hex is n random bytes in lower-case hex (2n characters).
func (g *RNG) Hex(n int) string { return hex.EncodeToString(g.Bytes(n)) }

// Base64 is n random bytes in standard padded base64.
func (g *RNG) Base64(n int) string { return base64.StdEncoding.EncodeToString(g.Bytes(n)) }

// Alphanumeric is the alphabet of Alnum.
const Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// Alnum is n characters from Alphanumeric.
func (g *RNG) Alnum(n int) string { return g.String(Alphanumeric, n) }

// String is n characters, each drawn from alphabet (ASCII).
func (g *RNG) String(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

// Digits returns n decimal digits; leading zeros are kept on purpose, since
// real codes have them and clients must treat codes as strings.
func (g *RNG) Digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

// IntN is a number in [0, n).
func (g *RNG) IntN(n int) int { return g.r.IntN(n) }

// UUID is a random (version 4) UUID.
func (g *RNG) UUID() string {
	id, err := uuid.NewRandomFromReader(g.src)
	if err != nil { // unreachable: ChaCha8 never runs dry
		panic(err)
	}
	return id.String()
}
