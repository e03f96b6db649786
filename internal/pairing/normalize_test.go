package pairing

import (
	"strings"
	"testing"

	"github.com/tillpair/tillpair/providers"
)

func TestNormalizeCode(t *testing.T) {
	sci := providers.CodeSpec{Label: "Pairing Code", Digits: true, MinLen: 6, MaxLen: 6}
	helcim := providers.CodeSpec{Label: "Device Code", MinLen: 4, MaxLen: 4}
	ranged := providers.CodeSpec{Digits: true, MinLen: 4, MaxLen: 8}
	tests := []struct {
		name    string
		spec    providers.CodeSpec
		raw     string
		want    string
		wantMsg string // substring of the error message; "" means no error
	}{
		{"plain", sci, "123456", "123456", ""},
		{"leading zero kept", sci, "041234", "041234", ""},
		{"spaces and dashes", sci, "  12-34 56\t", "123456", ""},
		{"too short", sci, "12345", "", "must be 6 digits — you typed 5"},
		{"too long", sci, "1234567", "", "must be 6 digits — you typed 7"},
		{"letter in digits", sci, "12a456", "", "digits only"},
		{"empty", sci, "  - ", "", "Enter the pairing code"},
		{"letters upper-cased", helcim, "ab-1c", "AB1C", ""},
		{"case kept", providers.CodeSpec{KeepCase: true}, " test-Code ", "testCode", ""},
		{"non-ascii letter", helcim, "abçd", "", "letters A–Z and digits"},
		{"punctuation", helcim, "ab.c", "", "not allowed"},
		{"range low", ranged, "123", "", "at least 4 digits"},
		{"range high", ranged, "123456789", "", "at most 8 digits"},
		{"range ok", ranged, "12345", "12345", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeCode(tt.spec, tt.raw)
			if tt.wantMsg == "" {
				if err != nil || got != tt.want {
					t.Fatalf("NormalizeCode(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
				}
				return
			}
			pe, ok := providers.AsError(err)
			if !ok {
				t.Fatalf("NormalizeCode(%q) = %q, %v; want *providers.Error", tt.raw, got, err)
			}
			if pe.Kind != providers.KindInvalidCode || pe.HTTPStatus != 0 {
				t.Errorf("kind %v status %d; want invalid_code, 0", pe.Kind, pe.HTTPStatus)
			}
			if !strings.Contains(pe.Message, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", pe.Message, tt.wantMsg)
			}
		})
	}
}

func TestNormalizeNickname(t *testing.T) {
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"  Front Bar ", "Front Bar", true},
		{"", "", true},
		{"Café — upstairs", "Café — upstairs", true},
		{strings.Repeat("é", MaxNicknameRunes), strings.Repeat("é", MaxNicknameRunes), true},
		{strings.Repeat("x", MaxNicknameRunes+1), "", false},
		{"bar\x1b[31m", "", false},
		{"tab\there", "", false},
		{"bad\xffutf8", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeNickname(tt.raw)
		if tt.ok {
			if err != nil || got != tt.want {
				t.Errorf("NormalizeNickname(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
			}
			continue
		}
		if providers.KindOf(err) != providers.KindInvalidInput {
			t.Errorf("NormalizeNickname(%q) = %q, %v; want invalid_input", tt.raw, got, err)
		}
	}
}

func FuzzNormalizeCode(f *testing.F) {
	spec := providers.CodeSpec{Digits: true, MinLen: 6, MaxLen: 6}
	for _, s := range []string{"123456", "12-34-56", " 1 2 3 4 5 6 ", "abc", "١٢٣٤٥٦"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := NormalizeCode(spec, raw)
		if err != nil {
			if providers.KindOf(err) != providers.KindInvalidCode {
				t.Fatalf("error of kind %v", providers.KindOf(err))
			}
			return
		}
		if len(got) != 6 || strings.Trim(got, "0123456789") != "" {
			t.Fatalf("NormalizeCode(%q) = %q: not 6 ASCII digits", raw, got)
		}
	})
}
